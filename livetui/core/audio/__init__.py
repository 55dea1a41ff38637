"""Audio maths for the console: PCM conversion, levels, the playback buffer,
the thread-to-asyncio queue and WAV files. Pure Python and numpy: no PortAudio,
no UI, so every part runs in a unit test without a sound device."""
