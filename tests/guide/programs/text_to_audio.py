import asyncio
import wave
from google import genai

client = genai.Client()
model = "gemini-live-2.5-flash-preview"
config = {"response_modalities": ["AUDIO"]}

async def main():
    async with client.aio.live.connect(model=model, config=config) as session:
        with wave.open("audio.wav", "wb") as wf:
            wf.setnchannels(1)
            wf.setsampwidth(2)
            wf.setframerate(24000)

            message = "Hello how are you?"
            await session.send_client_content(
                turns={"role": "user", "parts": [{"text": message}]},
                turn_complete=True
            )

            async for response in session.receive():
                if response.data is not None:
                    wf.writeframes(response.data)

if __name__ == "__main__":
    asyncio.run(main())
