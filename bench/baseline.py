"""The baseline: a Live voice client built the way the common quickstart scripts are.

    python -m bench.baseline [--model M] [--voice NAME] [--start-sensitivity {high,low}]

It is what the benchmarks compare livetui with, so it keeps that architecture on
purpose, weak spots included:

- one asyncio TaskGroup of five tasks;
- the mic read with PyAudio's *blocking* `stream.read` of 1024 frames at 16 kHz
  (64 ms), in a thread (asyncio.to_thread), into a small queue (maxsize=5) that
  a sender task drains with `send_realtime_input(audio=...)`;
- a receive loop that puts each audio chunk on an unbounded queue;
- a playback task doing a blocking `stream.write` of each chunk (asyncio.to_thread)
  on a 24 kHz stream opened with PyAudio's defaults;
- on `interrupted`, the unbounded queue is emptied (what is inside `stream.write`
  and PortAudio's buffer still plays).

Driven like livetui: each line typed on stdin is a user turn (client content,
turn complete), and the default mic is live the whole time. It talks to whatever
the google-genai SDK's environment names (GEMINI_API_KEY, GOOGLE_GEMINI_BASE_URL,
SSL_CERT_FILE: `livetui-sim` prints them). Stdin's end, SIGINT or SIGTERM end it.

The liberties taken: stdin is read by a daemon thread instead of
`asyncio.to_thread(input)`, so that a signal can end the program without waiting
for a line that never comes; and `--start-sensitivity low` puts the service's
start-of-speech sensitivity in the config (a line of the quickstart's CONFIG), so
that the benchmarks can talk over an answer without cutting it, as they do livetui's.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading

import pyaudio
from google import genai
from google.genai import types

FORMAT = pyaudio.paInt16
CHANNELS = 1
SEND_SAMPLE_RATE = 16000
RECEIVE_SAMPLE_RATE = 24000
CHUNK_SIZE = 1024

MODEL = "gemini-3.8-live"  # today's default Live model (the 2025 one was shut down)


class AudioLoop:
    def __init__(self, model: str, voice: str | None, start_sensitivity: str | None = None) -> None:
        self.model = model
        self.config: dict = {"response_modalities": ["AUDIO"]}
        if voice:
            self.config["speech_config"] = {"voice_config": {"prebuilt_voice_config": {"voice_name": voice}}}
        if start_sensitivity:
            detection = {"start_of_speech_sensitivity": f"START_SENSITIVITY_{start_sensitivity.upper()}"}
            self.config["realtime_input_config"] = {"automatic_activity_detection": detection}
        self.pya = pyaudio.PyAudio()
        self.audio_in_queue: asyncio.Queue[bytes] = asyncio.Queue()
        self.out_queue: asyncio.Queue[types.Blob] = asyncio.Queue(maxsize=5)
        self.lines: asyncio.Queue[str | None] = asyncio.Queue()
        self.session = None
        self.mic_stream = None
        self.speaker_stream = None

    def _read_stdin(self, loop: asyncio.AbstractEventLoop) -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(self.lines.put_nowait, line.rstrip("\n"))
        loop.call_soon_threadsafe(self.lines.put_nowait, None)

    async def send_text(self) -> None:
        while True:
            text = await self.lines.get()
            if text is None:
                return
            if not text.strip():
                continue
            await self.session.send_client_content(turns={"role": "user", "parts": [{"text": text}]}, turn_complete=True)

    async def listen_audio(self) -> None:
        mic_info = self.pya.get_default_input_device_info()
        self.mic_stream = await asyncio.to_thread(
            self.pya.open, format=FORMAT, channels=CHANNELS, rate=SEND_SAMPLE_RATE, input=True,
            input_device_index=mic_info["index"], frames_per_buffer=CHUNK_SIZE,
        )
        while True:
            data = await asyncio.to_thread(self.mic_stream.read, CHUNK_SIZE, exception_on_overflow=False)
            await self.out_queue.put(types.Blob(data=data, mime_type=f"audio/pcm;rate={SEND_SAMPLE_RATE}"))

    async def send_realtime(self) -> None:
        while True:
            blob = await self.out_queue.get()
            await self.session.send_realtime_input(audio=blob)

    async def receive_audio(self) -> None:
        while True:
            async for response in self.session.receive():
                if data := response.data:
                    self.audio_in_queue.put_nowait(data)
                    continue
                content = response.server_content
                if content is not None and content.interrupted:
                    # The model was cut off: drop what is queued and not yet played.
                    while not self.audio_in_queue.empty():
                        self.audio_in_queue.get_nowait()

    async def play_audio(self) -> None:
        self.speaker_stream = await asyncio.to_thread(
            self.pya.open, format=FORMAT, channels=CHANNELS, rate=RECEIVE_SAMPLE_RATE, output=True,
        )
        while True:
            bytestream = await self.audio_in_queue.get()
            await asyncio.to_thread(self.speaker_stream.write, bytestream)

    async def run(self) -> None:
        client = genai.Client()
        loop = asyncio.get_running_loop()
        threading.Thread(target=self._read_stdin, args=(loop,), name="stdin", daemon=True).start()
        try:
            async with client.aio.live.connect(model=self.model, config=self.config) as session:
                self.session = session
                print("baseline: connected", file=sys.stderr, flush=True)
                async with asyncio.TaskGroup() as tg:
                    send_text_task = tg.create_task(self.send_text())
                    tg.create_task(self.send_realtime())
                    tg.create_task(self.listen_audio())
                    tg.create_task(self.receive_audio())
                    tg.create_task(self.play_audio())
                    await send_text_task
                    raise asyncio.CancelledError("stdin ended")
        except asyncio.CancelledError:
            pass

    def close(self) -> None:
        """After the loop is gone (its threads joined): no read or write can be in flight."""
        for stream in (self.mic_stream, self.speaker_stream):
            if stream is not None:
                stream.close()
        self.pya.terminate()


async def _run(audio: AudioLoop) -> None:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, task.cancel)
    try:
        await audio.run()
    except asyncio.CancelledError:
        pass


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.baseline", description=__doc__.splitlines()[0])
    p.add_argument("--model", default=MODEL)
    p.add_argument("--voice")
    p.add_argument("--start-sensitivity", choices=("high", "low"))
    args = p.parse_args(argv)
    audio = AudioLoop(args.model, args.voice, args.start_sensitivity)
    asyncio.run(_run(audio))  # returns once the threads of to_thread have finished
    audio.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
