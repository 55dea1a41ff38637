"""The simulator's interpreter table: deterministic, tolerant of a misheard word, and
strict about the target language."""

from __future__ import annotations

import pytest

from livetui.sim.translate import LANGUAGES, PHRASES, Translation, parse_translation_config, translate

MODEL = "gemini-3.5-live-translate-preview"


def setup(translation: object) -> dict:
    return {"model": f"models/{MODEL}", "generationConfig": {"translationConfig": translation}}


def test_a_phrase_of_the_table_is_translated_whole():
    assert translate("what is the weather", "fr") == "quel temps fait-il"
    assert translate("How are  you", "ja") == "お元気ですか"
    assert translate("thank you", "pt-BR") == "obrigado"


def test_a_phrase_heard_slightly_wrong_still_finds_its_translation():
    assert translate("what is the whether", "de") == "wie ist das Wetter"


def test_other_speech_goes_word_by_word_keeping_unknown_words():
    assert translate("what is my name", "fr") == "quel est mon nom"
    assert translate("what is zorblax", "es") == "qué es zorblax"


def test_a_language_without_a_word_table_marks_the_english_it_kept():
    assert translate("what is my name", "pl") == "[en] what is my name"
    assert translate("what is my name", "en") == "what is my name"


def test_every_phrase_has_the_main_languages():
    for phrase, by_language in PHRASES.items():
        assert {"fr", "de", "es", "it", "ja"} <= set(by_language), phrase
    assert len(LANGUAGES) >= 70  # the service names 70+


def test_translation_config_is_read_from_the_generation_config():
    assert parse_translation_config(setup({"targetLanguageCode": "fr-CA", "echoTargetLanguage": True}), MODEL) == Translation("fr-CA", True)
    assert parse_translation_config(setup({"target_language_code": "de"}), MODEL) == Translation("de", False)


@pytest.mark.parametrize(
    ("translation", "reason"),
    [
        (None, "translation_config with a target_language_code is required"),
        ({}, "target_language_code is required"),
        ({"targetLanguageCode": "  "}, "target_language_code is required"),
        ({"targetLanguageCode": "xx"}, 'Unsupported target_language_code "xx"'),
        ({"targetLanguageCode": "fr; rm -rf"}, "Unsupported target_language_code"),
        ({"targetLanguageCode": "fr", "echoTargetLanguage": "yes"}, "echo_target_language must be a boolean"),
    ],
)
def test_a_bad_translation_config_is_refused_with_its_reason(translation, reason):
    with pytest.raises(ValueError, match=reason):
        parse_translation_config(setup(translation), MODEL)
