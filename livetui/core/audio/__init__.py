"""Audio for the console. The maths (pcm, levels, jitter, queues, wavread, wavio,
rates) is pure Python and numpy: no PortAudio, no UI, so every part runs in a unit
test without a sound device. The devices (discovery, capture, playback, with stream,
portaudio and quiet under them) are the only modules that touch PortAudio."""
