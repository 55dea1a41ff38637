import asyncio
from google import genai

# Note: Replace with your actual API key
client = genai.Client()

model = "gemini-live-2.5-flash-preview"
config = {"response_modalities": ["TEXT"]}

async def main():
    async with client.aio.live.connect(model=model, config=config):
        print("Session started")

if __name__ == "__main__":
    asyncio.run(main())
