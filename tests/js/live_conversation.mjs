// A typed and a spoken conversation with the Live API through Google's JavaScript SDK
// (@google/genai), configured only by the environment livetui-sim prints:
// GOOGLE_GEMINI_BASE_URL, GEMINI_API_KEY, and SSL_CERT_FILE (node reads it when run
// with --use-openssl-ca). Prints one JSON line per turn.
//
//   node --use-openssl-ca live_conversation.mjs MODEL SPEECH.wav
import { readFileSync } from 'node:fs';
import { GoogleGenAI, Modality } from '@google/genai';

const [model, wavPath] = process.argv.slice(2);

// 16-bit mono PCM and its rate, from a plain WAV file (as espeak-ng and sox write them).
function readWav(path) {
  const wav = readFileSync(path);
  let offset = 12;
  let rate = 16000;
  while (offset + 8 <= wav.length) {
    const id = wav.toString('ascii', offset, offset + 4);
    const size = wav.readUInt32LE(offset + 4);
    if (id === 'fmt ') rate = wav.readUInt32LE(offset + 12);
    if (id === 'data') return { pcm: wav.subarray(offset + 8, offset + 8 + size), rate };
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path}: no data chunk`);
}

// The SDK hands messages to a callback; turns are read from this queue.
const queue = [];
let wake = null;
let closed = null;
function push(item) {
  queue.push(item);
  if (wake) wake();
}
async function next() {
  while (queue.length === 0) {
    if (closed) throw new Error(`closed: ${closed.code} ${closed.reason}`);
    await new Promise((resolve) => { wake = resolve; });
    wake = null;
  }
  return queue.shift();
}

async function readTurn(name) {
  const turn = { turn: name, transcript: '', heard: '', audioBytes: 0, audioMime: '' };
  for (;;) {
    const msg = await next();
    const content = msg.serverContent;
    if (!content) continue;
    for (const part of content.modelTurn?.parts ?? []) {
      if (part.inlineData?.data) {
        turn.audioBytes += Buffer.from(part.inlineData.data, 'base64').length;
        turn.audioMime = part.inlineData.mimeType;
      }
    }
    if (content.outputTranscription?.text) turn.transcript += content.outputTranscription.text;
    if (content.inputTranscription?.text) turn.heard += content.inputTranscription.text;
    if (content.turnComplete) return turn;
  }
}

// An error before the socket opens (TLS, refused handshake) reaches only onerror; the
// SDK's connect() would then never settle, and node would exit 13 without a word.
let failedToOpen;
const openFailed = new Promise((_, reject) => { failedToOpen = reject; });

const ai = new GoogleGenAI({});  // the key and the base URL come from the environment
const session = await Promise.race([openFailed, ai.live.connect({
  model,
  config: {
    responseModalities: [Modality.AUDIO],
    inputAudioTranscription: {},
    outputAudioTranscription: {},
  },
  callbacks: {
    onmessage: push,
    onerror: (e) => {
      const error = new Error(`connection failed: ${e.message ?? e.error?.message ?? e}`);
      failedToOpen(error);
      push({ error: error.message });
    },
    onclose: (e) => { closed = { code: e.code, reason: e.reason }; if (wake) wake(); },
  },
})]);

// Typed.
session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'What is the capital of France?' }] }], turnComplete: true });
console.log(JSON.stringify(await readTurn('typed')));

// Spoken: the WAV's PCM as realtime audio in 100 ms chunks, then the end of the stream.
const { pcm, rate } = readWav(wavPath);
const step = (rate / 10) * 2;
for (let i = 0; i < pcm.length; i += step) {
  session.sendRealtimeInput({ audio: { data: pcm.subarray(i, i + step).toString('base64'), mimeType: `audio/pcm;rate=${rate}` } });
}
session.sendRealtimeInput({ audioStreamEnd: true });
console.log(JSON.stringify(await readTurn('spoken')));

session.close();
