"""Harnesses the tests and the benchmarks share: the real `livetui` in a
pseudo-terminal (pty), `livetui-sim` as a process (simproc), and a private
PulseAudio with a virtual speaker and mic (pulse). Not used by the console."""
