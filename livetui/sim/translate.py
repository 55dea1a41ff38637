"""The interpreter model (gemini-3.5-live-translate-preview): speech in, translated speech out.

As Google's live-translate page describes it: an interpreter, not an assistant. Audio
in only; it translates each stretch of speech as it comes, without turns (no
`turnComplete`), into `translation_config.target_language_code`, with the input and
output transcripts when the setup asks for them. `echo_target_language` decides what
happens to speech already in the target language: true, it is said again (parroted);
false, no audio is made for it.

A simulator needs no real translator. What it hears is English (its recogniser,
pocketsphinx, knows only English), and it translates with a small deterministic table:
  1. a phrase table: a recognised utterance close enough to one of its phrases
     (difflib ratio >= PHRASE_MATCH) becomes that phrase's translation;
  2. otherwise word by word, for the languages with a word table (fr, de, es, it);
     a word the table lacks is kept as heard;
  3. for a known target with neither, the English is kept, marked "[en]".
espeak-ng then speaks the result in the target language's voice.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import recognize
from .answer import Answer
from .tokens import audio_tokens, pcm_seconds
from .wire import field

if TYPE_CHECKING:
    from .session_state import SessionState, UserInput

__all__ = ["LANGUAGES", "PHRASES", "Translation", "Translator", "base_language", "translate"]

HEARD_LANGUAGE = "en"  # the recogniser's only language
PHRASE_MATCH = 0.8

# Target languages the simulator's interpreter knows (BCP-47 primary subtags; a region
# subtag such as fr-CA or pt-BR is accepted with them). The service names "70+".
LANGUAGES = frozenset(
    """af am ar az be bg bn bs ca cs cy da de el en es et eu fa fi fil fr ga gl gu he hi hr hu hy
    id is it ja jv ka kk km kn ko lo lt lv mk ml mn mr ms my nb ne nl no pa pl pt ro ru si sk sl
    sq sr sv sw ta te th tr uk ur uz vi yue zh zu""".split()
)
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")

# English phrase -> {language: translation}. Phrases pocketsphinx hears intact from
# espeak-ng come first ("what is the weather", "how are you", "thank you").
PHRASES: dict[str, dict[str, str]] = {
    "what is the weather like today": {
        "fr": "quel temps fait-il aujourd'hui", "de": "wie ist das Wetter heute",
        "es": "qué tiempo hace hoy", "it": "che tempo fa oggi", "ja": "今日の天気はどうですか",
        "pl": "jaka jest dzisiaj pogoda", "pt": "como está o tempo hoje",
    },
    "what is the weather": {
        "fr": "quel temps fait-il", "de": "wie ist das Wetter", "es": "qué tiempo hace",
        "it": "che tempo fa", "ja": "天気はどうですか", "pl": "jaka jest pogoda", "pt": "como está o tempo",
    },
    "what is the weather like": {
        "fr": "quel temps fait-il", "de": "wie ist das Wetter", "es": "qué tiempo hace",
        "it": "che tempo fa", "ja": "天気はどうですか", "pl": "jaka jest pogoda", "pt": "como está o tempo",
    },
    "hello": {"fr": "bonjour", "de": "hallo", "es": "hola", "it": "ciao", "ja": "こんにちは", "pl": "cześć", "pt": "olá"},
    "good morning": {"fr": "bonjour", "de": "guten Morgen", "es": "buenos días", "it": "buongiorno",
                     "ja": "おはようございます", "pl": "dzień dobry", "pt": "bom dia"},
    "good night": {"fr": "bonne nuit", "de": "gute Nacht", "es": "buenas noches", "it": "buona notte",
                   "ja": "おやすみなさい", "pl": "dobranoc", "pt": "boa noite"},
    "thank you": {"fr": "merci", "de": "danke", "es": "gracias", "it": "grazie", "ja": "ありがとう", "pl": "dziękuję", "pt": "obrigado"},
    "thank you very much": {"fr": "merci beaucoup", "de": "vielen Dank", "es": "muchas gracias", "it": "grazie mille",
                            "ja": "どうもありがとうございます", "pl": "dziękuję bardzo", "pt": "muito obrigado"},
    "how are you": {"fr": "comment allez-vous", "de": "wie geht es Ihnen", "es": "cómo está usted", "it": "come sta",
                    "ja": "お元気ですか", "pl": "jak się masz", "pt": "como está"},
    "where is the station": {"fr": "où est la gare", "de": "wo ist der Bahnhof", "es": "dónde está la estación",
                             "it": "dov'è la stazione", "ja": "駅はどこですか", "pl": "gdzie jest dworzec", "pt": "onde fica a estação"},
    "where is the hotel": {"fr": "où est l'hôtel", "de": "wo ist das Hotel", "es": "dónde está el hotel",
                           "it": "dov'è l'albergo", "ja": "ホテルはどこですか", "pl": "gdzie jest hotel", "pt": "onde fica o hotel"},
    "i would like a coffee": {"fr": "je voudrais un café", "de": "ich hätte gern einen Kaffee", "es": "quisiera un café",
                              "it": "vorrei un caffè", "ja": "コーヒーをください", "pl": "poproszę kawę", "pt": "queria um café"},
    "how much is it": {"fr": "combien ça coûte", "de": "wie viel kostet das", "es": "cuánto cuesta", "it": "quanto costa",
                       "ja": "いくらですか", "pl": "ile to kosztuje", "pt": "quanto custa"},
    "what time is it": {"fr": "quelle heure est-il", "de": "wie spät ist es", "es": "qué hora es", "it": "che ore sono",
                        "ja": "今何時ですか", "pl": "która jest godzina", "pt": "que horas são"},
    "i do not understand": {"fr": "je ne comprends pas", "de": "ich verstehe nicht", "es": "no entiendo",
                            "it": "non capisco", "ja": "わかりません", "pl": "nie rozumiem", "pt": "não entendo"},
    "i don't understand": {"fr": "je ne comprends pas", "de": "ich verstehe nicht", "es": "no entiendo",
                           "it": "non capisco", "ja": "わかりません", "pl": "nie rozumiem", "pt": "não entendo"},
    "please speak slowly": {"fr": "parlez lentement s'il vous plaît", "de": "bitte sprechen Sie langsam",
                            "es": "hable despacio por favor", "it": "parli lentamente per favore",
                            "ja": "ゆっくり話してください", "pl": "proszę mówić wolno", "pt": "fale devagar por favor"},
    "see you tomorrow": {"fr": "à demain", "de": "bis morgen", "es": "hasta mañana", "it": "a domani",
                         "ja": "また明日", "pl": "do jutra", "pt": "até amanhã"},
    "goodbye": {"fr": "au revoir", "de": "auf Wiedersehen", "es": "adiós", "it": "arrivederci", "ja": "さようなら",
                "pl": "do widzenia", "pt": "adeus"},
    "yes": {"fr": "oui", "de": "ja", "es": "sí", "it": "sì", "ja": "はい", "pl": "tak", "pt": "sim"},
    "no": {"fr": "non", "de": "nein", "es": "no", "it": "no", "ja": "いいえ", "pl": "nie", "pt": "não"},
    "excuse me": {"fr": "excusez-moi", "de": "entschuldigen Sie", "es": "disculpe", "it": "mi scusi",
                  "ja": "すみません", "pl": "przepraszam", "pt": "com licença"},
    "i am hungry": {"fr": "j'ai faim", "de": "ich habe Hunger", "es": "tengo hambre", "it": "ho fame",
                    "ja": "お腹がすきました", "pl": "jestem głodny", "pt": "estou com fome"},
    "the bill please": {"fr": "l'addition s'il vous plaît", "de": "die Rechnung bitte", "es": "la cuenta por favor",
                        "it": "il conto per favore", "ja": "お会計をお願いします", "pl": "rachunek proszę", "pt": "a conta por favor"},
    "hello there": {"fr": "salut", "de": "hallo", "es": "hola", "it": "ciao", "ja": "やあ", "pl": "cześć", "pt": "olá"},
    "tell me a story": {"fr": "raconte-moi une histoire", "de": "erzähl mir eine Geschichte", "es": "cuéntame una historia",
                        "it": "raccontami una storia", "ja": "物語を聞かせて", "pl": "opowiedz mi historię", "pt": "conta-me uma história"},
}

# Word by word, for utterances outside the phrase table ("_" joins a word of several).
_WORDS = {
    "fr": "what:quel is:est the:le weather:temps like:comme today:aujourd'hui hello:bonjour good:bon morning:matin "
          "night:nuit thank:merci you:vous very:très much:beaucoup how:comment are:êtes where:où station:gare "
          "hotel:hôtel i:je would:voudrais a:un coffee:café it:il time:heure do:fais not:pas understand:comprends "
          "please:s'il_vous_plaît speak:parlez slowly:lentement see:voir tomorrow:demain yes:oui no:non "
          "that:ça this:ceci there:là and:et of:de to:à in:dans my:mon your:votre name:nom water:eau",
    "de": "what:was is:ist the:das weather:Wetter like:wie today:heute hello:hallo good:gut morning:Morgen "
          "night:Nacht thank:danke you:Sie very:sehr much:viel how:wie are:sind where:wo station:Bahnhof "
          "hotel:Hotel i:ich would:würde a:ein coffee:Kaffee it:es time:Zeit do:tue not:nicht understand:verstehe "
          "please:bitte speak:sprechen slowly:langsam see:sehen tomorrow:morgen yes:ja no:nein "
          "that:das this:dies there:dort and:und of:von to:zu in:in my:mein your:Ihr name:Name water:Wasser",
    "es": "what:qué is:es the:el weather:tiempo like:como today:hoy hello:hola good:bueno morning:mañana "
          "night:noche thank:gracias you:usted very:muy much:mucho how:cómo are:están where:dónde station:estación "
          "hotel:hotel i:yo would:quisiera a:un coffee:café it:eso time:hora do:hago not:no understand:entiendo "
          "please:por_favor speak:hable slowly:despacio see:ver tomorrow:mañana yes:sí no:no "
          "that:eso this:esto there:allí and:y of:de to:a in:en my:mi your:su name:nombre water:agua",
    "it": "what:che is:è the:il weather:tempo like:come today:oggi hello:ciao good:buono morning:mattina "
          "night:notte thank:grazie you:lei very:molto much:tanto how:come are:sono where:dove station:stazione "
          "hotel:albergo i:io would:vorrei a:un coffee:caffè it:esso time:ora do:faccio not:non understand:capisco "
          "please:per_favore speak:parli slowly:lentamente see:vedere tomorrow:domani yes:sì no:no "
          "that:quello this:questo there:là and:e of:di to:a in:in my:mio your:suo name:nome water:acqua",
}
WORDS: dict[str, dict[str, str]] = {
    lang: {english: word.replace("_", " ") for english, word in (pair.split(":") for pair in table.split())}
    for lang, table in _WORDS.items()
}


@dataclass(frozen=True)
class Translation:
    """What the setup's `translation_config` asks for."""

    target: str  # the BCP-47 tag as given, e.g. "fr" or "pt-BR"
    echo: bool = False  # echo_target_language

    @property
    def language(self) -> str:
        return base_language(self.target)


def base_language(tag: str) -> str:
    return tag.strip().split("-", 1)[0].lower()


def parse_translation_config(setup: Any, model: str) -> Translation:
    """The setup's translation_config, or ValueError with the reason the service gives."""
    # The SDK sends it inside generationConfig (google-genai's live converters).
    config = field(field(setup, "generationConfig"), "translationConfig")
    if not isinstance(config, dict):
        raise ValueError(f"translation_config with a target_language_code is required for {model}.")
    target = field(config, "targetLanguageCode")
    if not isinstance(target, str) or not target.strip():
        raise ValueError(f"translation_config.target_language_code is required for {model}.")
    if not _TAG.fullmatch(target.strip()) or base_language(target) not in LANGUAGES:
        raise ValueError(f'Unsupported target_language_code "{target[:20]}" for {model}.')
    echo = field(config, "echoTargetLanguage")
    if echo is not None and not isinstance(echo, bool):
        raise ValueError("translation_config.echo_target_language must be a boolean.")
    return Translation(target=target.strip(), echo=bool(echo))


def _closest_phrase(text: str) -> str | None:
    best, score = None, 0.0
    for phrase in PHRASES:
        ratio = difflib.SequenceMatcher(None, text, phrase).ratio()
        if ratio > score:
            best, score = phrase, ratio
    return best if score >= PHRASE_MATCH else None


def translate(text: str, target: str) -> str:
    """`text` (English, lower-case as recognised) in the target language; deterministic."""
    text = " ".join(text.lower().split())
    language = base_language(target)
    if not text or language == HEARD_LANGUAGE:
        return text
    phrase = _closest_phrase(text)
    if phrase is not None and language in PHRASES[phrase]:
        return PHRASES[phrase][language]
    words = WORDS.get(language)
    if words is None:
        return f"[en] {text}"
    return " ".join(words.get(word, word) for word in text.split())


class Translator:
    """One translation session: each utterance heard is translated and spoken."""

    def __init__(self, translation: Translation) -> None:
        self.translation = translation

    async def hear(self, session: SessionState, user: UserInput) -> None:
        cfg = session.config
        heard = await recognize.transcribe_beside(user.pcm) if user.pcm else ""
        if not heard:
            return  # noise: nothing to interpret
        if cfg.input_transcription:
            await session.send({"serverContent": {"inputTranscription": {"text": heard, "finished": True}}})
        same = self.translation.language == HEARD_LANGUAGE
        said = heard if same else translate(heard, self.translation.target)
        answer = Answer(
            send=session.send,
            options=session.sim.options,
            output_transcription=cfg.output_transcription,
            voice_name=cfg.voice_name,
            language_code=self.translation.target,
            playback=session.playback,
        )
        session.answer = answer
        if not (same and not self.translation.echo):  # speech already in the target: parroted only on request
            if not await answer.latency():
                await answer.stream_audio(said)
            await session.send({"serverContent": {"generationComplete": True}})
        prompt = audio_tokens(pcm_seconds(len(user.pcm), 16000))
        response = answer.response_tokens("AUDIO")
        await session.send({"usageMetadata": _usage(prompt, response)})


def _usage(prompt: int, response: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "promptTokenCount": prompt,
        "responseTokenCount": response,
        "totalTokenCount": prompt + response,
        "promptTokensDetails": [{"modality": "AUDIO", "tokenCount": prompt}],
    }
    if response:
        out["responseTokensDetails"] = [{"modality": "AUDIO", "tokenCount": response}]
    return out
