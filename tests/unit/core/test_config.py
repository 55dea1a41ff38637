"""Settings: defaults < config file < flags, and errors that point at the file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import platformdirs
import pytest
from google.genai import types

from livetui.cli.args import build_parser, load_settings, settings_from_args
from livetui.core.configfile import ConfigError, default_config_path
from livetui.core.connectconfig import live_config
from livetui.core.settings import DEFAULT_MODEL, AudioSettings, Settings, VadSettings


@pytest.fixture
def home(tmp_path: Path) -> dict[str, str]:
    """An environment whose default config folder is empty (never the developer's own)."""
    (tmp_path / "xdg").mkdir()
    return {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def error_of(path: Path, *argv: str) -> str:
    with pytest.raises(ConfigError) as info:
        load_settings(["--config", str(path), *argv], environ={})
    return str(info.value)


# --- defaults and precedence -------------------------------------------------------


def test_no_file_and_no_flags_give_the_defaults(home: dict[str, str]) -> None:
    settings = load_settings([], environ=home)
    assert settings == Settings()
    assert settings.model == DEFAULT_MODEL and settings.modality == "AUDIO" and settings.mouse
    assert settings.config_path is None


def test_the_default_file_is_read_when_it_exists(home: dict[str, str]) -> None:
    path = write(Path(home["XDG_CONFIG_HOME"]) / "livetui" / "config.toml", 'voice = "Kore"\n')
    settings = load_settings([], environ=home)
    assert settings.voice == "Kore"
    assert settings.config_path == path


def test_flags_beat_the_file_which_beats_the_defaults(home: dict[str, str], tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        """
        model = "from-file"
        modality = "audio"
        voice = "Kore"
        [vad]
        silence_duration_ms = 500
        start_sensitivity = "low"
        """,
    )
    settings = load_settings(["--config", str(path), "--modality", "text", "--vad-silence-ms", "100"], environ=home)
    assert settings.modality == "TEXT"  # flag over file
    assert settings.vad.silence_duration_ms == 100  # flag over file, inside [vad]
    assert settings.model == "from-file" and settings.voice == "Kore"  # file over defaults
    assert settings.vad.start_sensitivity == "low"
    assert settings.language is None and settings.mouse is True  # defaults where nobody said
    assert settings.config_path == path


def test_config_flag_replaces_the_default_file(home: dict[str, str], tmp_path: Path) -> None:
    write(Path(home["XDG_CONFIG_HOME"]) / "livetui" / "config.toml", 'model = "from-default-file"\n')
    chosen = write(tmp_path / "other.toml", 'voice = "Puck"\n')
    settings = load_settings(["--config", str(chosen)], environ=home)
    assert settings.voice == "Puck"
    assert settings.model == DEFAULT_MODEL  # the default file was not merged in


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--model", "gemini-2.0-flash-live-001"], {"model": "gemini-2.0-flash-live-001"}),
        (["--modality", "audio"], {"modality": "AUDIO"}),
        (["--modality", "AUDIO"], {"modality": "AUDIO"}),
        (["--modality", "Text"], {"modality": "TEXT"}),
        (["--voice", "Kore"], {"voice": "Kore"}),
        (["--language", "de-DE"], {"language": "de-DE"}),
        (["--system-instruction", "Be brief."], {"system_instruction": "Be brief."}),
        (["--system-instruction", "@@handle"], {"system_instruction": "@handle"}),
        (["--no-mouse"], {"mouse": False}),
        (["--sim"], {"sim": True}),
        (["--vad", "manual"], {"vad": VadSettings(automatic=False)}),
        (["--vad", "AUTO"], {"vad": VadSettings(automatic=True)}),
        (["--vad-start-sensitivity", "high"], {"vad": VadSettings(start_sensitivity="high")}),
        (["--vad-end-sensitivity", "LOW"], {"vad": VadSettings(end_sensitivity="low")}),
        (["--vad-prefix-padding-ms", "20"], {"vad": VadSettings(prefix_padding_ms=20)}),
        (["--vad-silence-ms", "0"], {"vad": VadSettings(silence_duration_ms=0)}),
        (["--push-to-talk"], {"vad": VadSettings(automatic=False)}),
        (["--push-to-talk", "--vad", "auto"], {"vad": VadSettings(automatic=True)}),  # the last one said wins
        (["--input-device", "3"], {"audio": AudioSettings(input_device="3")}),
        (["--input-device", " USB Audio "], {"audio": AudioSettings(input_device="USB Audio")}),
        (["--output-device", "pulse"], {"audio": AudioSettings(output_device="pulse")}),
        (["--chunk-ms", "40"], {"audio": AudioSettings(chunk_ms=40)}),
        (["--echo-mode", "Speaker"], {"audio": AudioSettings(echo_mode="speaker")}),
        (["--echo-mode", "headset"], {"audio": AudioSettings(echo_mode="headset")}),
        (["--meter-hz", "5"], {"audio": AudioSettings(meter_hz=5)}),
        (["--mic"], {"audio": AudioSettings(mic_on_start=True)}),
        (["--no-mic"], {"audio": AudioSettings(mic_on_start=False)}),
        (["--no-silence-gate"], {"audio": AudioSettings(silence_gate=False)}),
        (["--audio-engine", "thread"], {"audio": AudioSettings(engine="thread")}),
        (["--silence-gate"], {"audio": AudioSettings(silence_gate=True)}),
        (["--list-devices"], {}),  # a command for the CLI, not a setting
    ],
)
def test_every_flag(argv: list[str], expected: dict[str, object], home: dict[str, str]) -> None:
    settings = load_settings(argv, environ=home)
    assert settings == Settings(**expected)  # type: ignore[arg-type]


def test_every_file_key(tmp_path: Path) -> None:
    path = write(
        tmp_path / "c.toml",
        """
        model = "m1"
        modality = "audio"
        voice = "Kore"
        language = "en-US"
        system_instruction = "Be brief."
        mouse = false
        sim = true
        carry_over_budget = 1500
        [vad]
        mode = "manual"
        start_sensitivity = "low"
        end_sensitivity = "high"
        prefix_padding_ms = 20
        silence_duration_ms = 500
        [audio]
        input_device = "USB"
        output_device = 3
        chunk_ms = 30
        echo_mode = "speaker"
        record_dir = "recordings"
        meter_hz = 30
        mic_on_start = true
        engine = "thread"
        silence_gate = false
        [keys]
        toggle_modality = "ctrl+o"
        "app.quit" = "ctrl+q,f10"
        """,
    )
    settings = load_settings(["--config", str(path)], environ={})
    assert settings == Settings(
        model="m1",
        modality="AUDIO",
        voice="Kore",
        language="en-US",
        system_instruction="Be brief.",
        mouse=False,
        sim=True,
        carry_over_budget=1500,
        vad=VadSettings(False, "low", "high", 20, 500),
        audio=AudioSettings("USB", "3", 30, "speaker", tmp_path / "recordings", 30, True, engine="thread", silence_gate=False),
        keys={"toggle_modality": "ctrl+o", "app.quit": "ctrl+q,f10"},
        config_path=path,
    )


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--modality", "video"], "--modality"),
        (["--vad", "sometimes"], "--vad"),
        (["--vad-silence-ms", "-5"], "--vad-silence-ms"),
        (["--vad-silence-ms", "soon"], "--vad-silence-ms"),
        (["--vad-start-sensitivity", "medium"], "--vad-start-sensitivity"),
        (["--language", "english please"], "--language"),
        (["--bogus"], "--bogus"),
        (["--chunk-ms", "19"], "--chunk-ms"),
        (["--chunk-ms", "41"], "--chunk-ms"),
        (["--chunk-ms", "twenty"], "--chunk-ms"),
        (["--meter-hz", "4"], "--meter-hz"),
        (["--meter-hz", "31"], "--meter-hz"),
        (["--echo-mode", "loud"], "--echo-mode"),
        (["--input-device", " "], "--input-device"),
        (["--output-device", ""], "--output-device"),
        (["--record", ""], "--record"),
        (["--mic=yes"], "--mic"),
    ],
)
def test_bad_flags_exit_2_naming_the_flag(argv: list[str], needle: str, home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        load_settings(argv, environ=home)
    assert info.value.code == 2
    assert needle in capsys.readouterr().err


def test_the_parser_is_reusable() -> None:
    args = build_parser().parse_args(["--sim", "--modality", "audio"])
    assert args.sim is True and args.modality == "AUDIO"
    assert args.model is None  # unset flags stay None, so they never override the file
    assert args.mic_on_start is None and args.record is None and args.chunk_ms is None
    assert args.list_devices is False


def test_list_devices_is_a_flag_for_the_caller_not_a_setting(home: dict[str, str]) -> None:
    args = build_parser().parse_args(["--list-devices", "--modality", "audio"])
    assert args.list_devices is True
    settings = settings_from_args(args, environ=home)
    assert settings == Settings(modality="AUDIO")
    assert not hasattr(settings, "list_devices") and not hasattr(settings.audio, "list_devices")


# --- the system instruction from a file ------------------------------------------------


def test_system_instruction_flag_reads_a_file_relative_to_the_working_folder(
    tmp_path: Path, home: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "prompts" / "p.md", "You are terse.\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings(["--system-instruction", "@prompts/p.md"], environ=home).system_instruction == "You are terse."


def test_system_instruction_in_the_file_is_relative_to_the_files_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = write(tmp_path / "conf" / "c.toml", 'system_instruction = "@prompt.md"\n')
    write(tmp_path / "conf" / "prompt.md", "From beside the config.")
    monkeypatch.chdir(tmp_path)  # not the config's folder: a cwd-relative read would miss the file
    assert load_settings(["--config", str(conf)], environ={}).system_instruction == "From beside the config."


def test_system_instruction_expands_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    write(tmp_path / "home" / "prompt.md", "From home.")
    conf = write(tmp_path / "c.toml", 'system_instruction = "@~/prompt.md"\n')
    assert load_settings(["--config", str(conf)], environ={}).system_instruction == "From home."


def test_missing_instruction_file_from_a_flag_names_it(tmp_path: Path, home: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_settings(["--system-instruction", "@nowhere.md"], environ=home)
    message = str(info.value)
    assert "--system-instruction" in message and "nowhere.md" in message and "\n" not in message


def test_missing_instruction_file_from_the_file_names_both(tmp_path: Path) -> None:
    conf = write(tmp_path / "c.toml", 'model = "m"\nsystem_instruction = "@gone.md"\n')
    message = error_of(conf)
    assert message.startswith(f"{conf}, line 2: system_instruction")
    assert str(tmp_path / "gone.md") in message


# --- audio ------------------------------------------------------------------------------


def test_audio_defaults() -> None:
    audio = Settings().audio
    assert audio == AudioSettings()
    assert (audio.input_device, audio.output_device, audio.record_dir, audio.mic_on_start) == (None, None, None, None)
    assert (audio.chunk_ms, audio.echo_mode, audio.meter_hz, audio.silence_gate) == (20, "headset", 15, True)


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"chunk_ms": 19}, "chunk_ms"),
        ({"chunk_ms": 41}, "chunk_ms"),
        ({"meter_hz": 4}, "meter_hz"),
        ({"meter_hz": 31}, "meter_hz"),
        ({"echo_mode": "loud"}, "echo_mode"),
    ],
)
def test_audio_settings_check_their_ranges(changes: dict[str, object], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        AudioSettings(**changes)  # type: ignore[arg-type]


def test_audio_flags_beat_the_file(tmp_path: Path, home: dict[str, str]) -> None:
    path = write(
        tmp_path / "c.toml",
        """
        [audio]
        input_device = "USB"
        chunk_ms = 30
        echo_mode = "speaker"
        mic_on_start = true
        """,
    )
    settings = load_settings(["--config", str(path), "--chunk-ms", "40", "--no-mic", "--output-device", "2"], environ=home)
    assert settings.audio == AudioSettings(input_device="USB", output_device="2", chunk_ms=40, echo_mode="speaker", mic_on_start=False)


def test_record_dir_in_the_file_is_relative_to_the_files_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    conf = write(tmp_path / "conf" / "c.toml", '[audio]\nrecord_dir = "rec"\n')
    monkeypatch.chdir(tmp_path)  # not the config's folder
    settings = load_settings(["--config", str(conf)], environ={})
    assert settings.audio.record_dir == tmp_path / "conf" / "rec"
    assert not (tmp_path / "conf" / "rec").exists()  # stored, not created


def test_record_dir_expands_the_home_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: dict[str, str]) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    conf = write(tmp_path / "c.toml", '[audio]\nrecord_dir = "~/livetui-recordings"\n')
    assert load_settings(["--config", str(conf)], environ={}).audio.record_dir == tmp_path / "home" / "livetui-recordings"
    assert load_settings(["--record", "~/r"], environ=home).audio.record_dir == tmp_path / "home" / "r"


def test_record_flag_is_relative_to_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, home: dict[str, str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "existing").mkdir()
    assert load_settings(["--record", "out/wav"], environ=home).audio.record_dir == tmp_path / "out" / "wav"
    assert load_settings(["--record", "existing"], environ=home).audio.record_dir == tmp_path / "existing"
    assert not (tmp_path / "out").exists()


def test_record_flag_naming_a_file_exits_2(tmp_path: Path, home: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "take.wav").write_bytes(b"")
    with pytest.raises(SystemExit) as info:
        load_settings(["--record", str(tmp_path / "take.wav")], environ=home)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "--record" in err and "must be a folder, not the file" in err


def test_record_dir_naming_a_file_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "take.wav").write_bytes(b"")
    conf = write(tmp_path / "c.toml", '[audio]\nchunk_ms = 20\nrecord_dir = "take.wav"\n')
    assert error_of(conf) == f"{conf}, line 3: audio.record_dir must be a folder, not the file {tmp_path / 'take.wav'}"


def test_an_unknown_audio_key_suggests_the_closest(tmp_path: Path) -> None:
    conf = write(tmp_path / "c.toml", '[vad]\nmode = "auto"\n\n[audio]\nchunk = 20\n')
    assert error_of(conf) == f"{conf}, line 5: unknown setting 'audio.chunk' (did you mean 'chunk_ms'?)"
    conf = write(tmp_path / "d.toml", '[audio]\nrecord = "x"\n')
    assert error_of(conf) == f"{conf}, line 2: unknown setting 'audio.record' (did you mean 'record_dir'?)"
    conf = write(tmp_path / "e.toml", '[audio]\nlist_devices = true\n')  # a flag only
    assert "unknown setting 'audio.list_devices'" in error_of(conf)


# --- errors: the file and the line -----------------------------------------------------


def test_a_wrong_value_names_file_line_and_both_choices(tmp_path: Path) -> None:
    conf = write(tmp_path / "config.toml", '# settings\nmodel = "m"\n\nmodality = "video"\n')
    assert error_of(conf) == f"{conf}, line 4: modality must be 'text' or 'audio', not 'video'"


def test_toml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    conf = write(tmp_path / "c.toml", 'model = "m"\nvoice = Kore\n')
    message = error_of(conf)
    assert message.startswith(f"{conf}, line 2: not valid TOML")
    assert "\n" not in message


def test_an_unknown_key_suggests_the_closest(tmp_path: Path) -> None:
    conf = write(tmp_path / "c.toml", 'model = "m"\nmodalty = "audio"\n')
    assert error_of(conf) == f"{conf}, line 2: unknown setting 'modalty' (did you mean 'modality'?)"


def test_an_unknown_vad_key_is_found_in_its_section(tmp_path: Path) -> None:
    conf = write(tmp_path / "c.toml", '[keys]\nsilence_ms = "x"\n[vad]\nsilence_ms = 500\n')
    # line 2 has the same name in another section: the error must point at line 4
    assert error_of(conf) == f"{conf}, line 4: unknown setting 'vad.silence_ms' (did you mean 'silence_duration_ms'?)"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ('mouse = "no"\n', 1, "mouse must be true or false, not 'no'"),
        ('model = "m"\ncarry_over_budget = 150\n', 2, "carry_over_budget must be a whole number of characters, 200 or more, not 150"),
        ('model = "m"\ncarry_over_budget = true\n', 2, "carry_over_budget must be a whole number"),
        ('language = "english"\n', 1, "language must be a BCP-47 language tag"),
        ('voice = ""\n', 1, "voice must be a non-empty string"),
        ('model = "two words"\n', 1, "model must be a model name without spaces"),
        ('# voice activity\n[vad]\nmode = "sometimes"\n', 3, "vad.mode must be 'auto' or 'manual', not 'sometimes'"),
        ('[vad]\nmode = "auto"\nsilence_duration_ms = 1.5\n', 3, "vad.silence_duration_ms must be a whole number"),
        ('[vad]\nstart_sensitivity = "medium"\n', 2, "vad.start_sensitivity must be 'high' or 'low', not 'medium'"),
        ('model = "m"\nvad = "auto"\n', 2, "vad must be a table ([vad]), not 'auto'"),
        ('[keys]\ntoggle_modality = 3\n', 2, "keys.toggle_modality must be a non-empty string"),
        ('[keys]\nquit = ""\n', 2, "keys.quit must be a non-empty string"),
        ('vad.mode = "often"\n', 1, "vad.mode must be 'auto' or 'manual', not 'often'"),
        ('model = "m"\nvad = { mode = "often" }\n', 2, "vad.mode must be"),
        ('[audio]\nchunk_ms = 50\n', 2, "audio.chunk_ms must be a whole number of milliseconds from 20 to 40, not 50"),
        ('[audio]\nchunk_ms = "20"\n', 2, "audio.chunk_ms must be a whole number of milliseconds from 20 to 40, not '20'"),
        ('[audio]\nchunk_ms = true\n', 2, "audio.chunk_ms must be a whole number"),
        ('# audio\n[audio]\necho_mode = "loud"\n', 3, "audio.echo_mode must be 'headset' or 'speaker', not 'loud'"),
        ('[audio]\nmeter_hz = 0\n', 2, "audio.meter_hz must be a whole number of updates a second from 5 to 30, not 0"),
        ('[audio]\nmeter_hz = 15.5\n', 2, "audio.meter_hz must be a whole number"),
        ('[audio]\ninput_device = -1\n', 2, "audio.input_device must be a device index (0 or more) or part of a device name"),
        ('[audio]\noutput_device = ""\n', 2, "audio.output_device must be a device index"),
        ('[audio]\noutput_device = true\n', 2, "audio.output_device must be a device index"),
        ('[audio]\nrecord_dir = 3\n', 2, "audio.record_dir must be a folder path, not 3"),
        ('[audio]\nrecord_dir = " "\n', 2, "audio.record_dir must be a folder path"),
        ('[audio]\nmic_on_start = "yes"\n', 2, "audio.mic_on_start must be true or false, not 'yes'"),
        ('[audio]\nsilence_gate = 1\n', 2, "audio.silence_gate must be true or false, not 1"),
        ('[audio]\nengine = "fork"\n', 2, "audio.engine must be"),
        ('model = "m"\naudio = 20\n', 2, "audio must be a table ([audio]), not 20"),
        ('audio.echo_mode = "loud"\n', 1, "audio.echo_mode must be"),
    ],
)
def test_wrong_types_and_values_name_file_and_line(tmp_path: Path, text: str, line: int, needle: str) -> None:
    conf = write(tmp_path / "c.toml", text)
    message = error_of(conf)
    assert message.startswith(f"{conf}, line {line}: "), message
    assert needle in message
    assert "\n" not in message


def test_a_missing_config_file_is_an_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "absent.toml"
    assert error_of(missing) == f"{missing}: no such config file"


def test_an_api_key_is_not_a_setting(tmp_path: Path) -> None:
    conf = write(tmp_path / "c.toml", 'api_key = "AIza-not-for-here"\n')
    message = error_of(conf)
    assert "unknown setting 'api_key'" in message
    assert "AIza-not-for-here" not in message  # errors never echo what might be a secret


# --- what the settings produce ----------------------------------------------------------


TEXT_MODEL = "gemini-not-in-the-catalogue"  # a model the console does not know is asked for TEXT answers


def test_text_live_config_is_minimal() -> None:
    settings = Settings(model=TEXT_MODEL, modality="TEXT", voice="Kore", language="en-US")  # speech settings only apply to AUDIO
    assert live_config(settings) == {
        "response_modalities": ["TEXT"],
        "input_audio_transcription": {},
        "session_resumption": {},
        # On by default, so a session has no length limit.
        "context_window_compression": {"trigger_tokens": 100_000, "sliding_window": {"target_tokens": 50_000}},
    }


def test_audio_live_config_has_speech_and_both_transcriptions() -> None:
    config = live_config(Settings(modality="AUDIO", voice="Kore", language="en-US", system_instruction="Be brief."))
    assert config["response_modalities"] == ["AUDIO"]
    assert config["input_audio_transcription"] == {} and config["output_audio_transcription"] == {}
    assert config["speech_config"] == {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}, "language_code": "en-US"}
    assert config["system_instruction"] == "Be brief."
    assert "speech_config" not in live_config(Settings(modality="AUDIO"))  # only the parts that are set


@pytest.mark.parametrize(
    "settings",
    [
        Settings(modality="AUDIO"),
        Settings(modality="AUDIO", vad=VadSettings(automatic=False)),  # push to talk
        Settings(modality="AUDIO", audio=AudioSettings(echo_mode="speaker", mic_on_start=False, record_dir=Path("/tmp/r"))),
    ],
)
def test_audio_sessions_transcribe_both_directions(settings: Settings) -> None:
    config = live_config(settings)
    assert config["input_audio_transcription"] == {} and config["output_audio_transcription"] == {}


@pytest.mark.parametrize(
    "settings",
    [
        Settings(model=TEXT_MODEL, modality="TEXT"),
        Settings(model=TEXT_MODEL, modality="TEXT", vad=VadSettings(automatic=False)),
        Settings(model=TEXT_MODEL, modality="TEXT", audio=AudioSettings(mic_on_start=True)),
    ],
)
def test_text_sessions_transcribe_spoken_input_only(settings: Settings) -> None:
    config = live_config(settings)
    assert config["input_audio_transcription"] == {}  # a spoken question still gets its transcript
    assert "output_audio_transcription" not in config  # text answers have nothing to transcribe


def test_audio_settings_stay_out_of_the_live_config() -> None:
    # Devices, chunking, echo handling and recording are the client's business, not the service's.
    tuned = Settings(audio=AudioSettings("USB", "3", 40, "speaker", Path("/tmp/r"), 30, True))
    assert live_config(tuned) == live_config(Settings())
    assert live_config(tuned.with_modality("AUDIO")) == live_config(Settings(modality="AUDIO"))


def test_vad_in_live_config() -> None:
    assert "realtime_input_config" not in live_config(Settings())
    manual = live_config(Settings(vad=VadSettings(automatic=False, silence_duration_ms=300)))
    assert manual["realtime_input_config"] == {"automatic_activity_detection": {"disabled": True}}
    tuned = Settings(vad=VadSettings(start_sensitivity="low", end_sensitivity="high", prefix_padding_ms=0, silence_duration_ms=500))
    assert live_config(tuned)["realtime_input_config"] == {
        "automatic_activity_detection": {
            "start_of_speech_sensitivity": "START_SENSITIVITY_LOW",
            "end_of_speech_sensitivity": "END_SENSITIVITY_HIGH",
            "prefix_padding_ms": 0,
            "silence_duration_ms": 500,
        }
    }


@pytest.mark.parametrize(
    "settings",
    [
        Settings(),
        Settings(modality="AUDIO"),
        Settings(modality="AUDIO", voice="Kore", language="en-US", system_instruction="x"),
        Settings(vad=VadSettings(automatic=False)),
        Settings(modality="AUDIO", vad=VadSettings(automatic=False), audio=AudioSettings(echo_mode="speaker")),
        Settings(vad=VadSettings(start_sensitivity="high", end_sensitivity="low", prefix_padding_ms=20, silence_duration_ms=100)),
        Settings(model=TEXT_MODEL),  # TEXT answers asked of a model that may take them
    ],
)
def test_the_sdk_accepts_every_live_config(settings: Settings) -> None:
    config = types.LiveConnectConfig.model_validate(live_config(settings))  # the SDK forbids unknown fields
    assert config.response_modalities == [types.Modality(settings.answers().asked)]
    assert config.input_audio_transcription is not None
    assert (config.output_audio_transcription is not None) == (settings.answers().asked == "AUDIO")
    detection = config.realtime_input_config.automatic_activity_detection if config.realtime_input_config else None
    if settings.vad.start_sensitivity:
        assert detection is not None
        assert detection.start_of_speech_sensitivity == types.StartSensitivity.START_SENSITIVITY_HIGH
        assert detection.end_of_speech_sensitivity == types.EndSensitivity.END_SENSITIVITY_LOW


def test_with_modality_returns_a_new_settings() -> None:
    text = Settings(voice="Kore", modality="TEXT")
    audio = text.with_modality("AUDIO")
    assert audio.modality == "AUDIO" and audio.voice == "Kore"
    assert text.modality == "TEXT"


def test_settings_are_immutable_including_keys() -> None:
    source = {"toggle_modality": "ctrl+o"}
    settings = Settings(keys=source)
    source["toggle_modality"] = "f5"  # the caller's dict changing later must not reach the settings
    assert settings.keys["toggle_modality"] == "ctrl+o"
    with pytest.raises(TypeError):
        settings.keys["x"] = "y"  # type: ignore[index]
    with pytest.raises(AttributeError):
        settings.model = "other"  # type: ignore[misc]


# --- where the file lives ----------------------------------------------------------------


def test_default_path_honours_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_config_path() == tmp_path / "cfg" / "livetui" / "config.toml"
    # the same rule, applied to an environment passed in, agrees with platformdirs
    assert default_config_path({"XDG_CONFIG_HOME": str(tmp_path / "cfg")}) == platformdirs.user_config_path("livetui") / "config.toml"


def test_load_settings_finds_the_file_through_the_process_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    write(tmp_path / "cfg" / "livetui" / "config.toml", 'modality = "audio"\n')
    assert load_settings([]).modality == "AUDIO"


# --- [prices] (core.prices) -----------------------------------------------------------


def test_prices_in_the_file_go_on_top_of_the_shipped_table(tmp_path: Path) -> None:
    from livetui.core.prices import price_table

    path = write(
        tmp_path / "config.toml",
        """
        [prices."gemini-3.8-live"]
        input_audio = 3.0
        output_audio = 12

        [prices."my-live-model"]
        input = 0.5
        output = 2.0
        """,
    )
    settings = load_settings(["--config", str(path)], environ={})
    table = price_table(settings.prices)
    live, mine = table.get("gemini-3.8-live"), table.get("my-live-model")
    assert live is not None and (live.input("AUDIO"), live.output("AUDIO"), live.input("TEXT")) == (3.0, 12.0, 0.75)
    assert mine is not None and (mine.input("VIDEO"), mine.output("TEXT")) == (0.5, 2.0)
    assert table.dated("gemini-3.8-live") == "your prices"
    assert load_settings([], environ={"XDG_CONFIG_HOME": str(tmp_path / "none")}).prices == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[prices."gemini-3.8-live"]\ninput_audio = 3.0\noutput_audio = "12"\n',
            'line 3: prices."gemini-3.8-live".output_audio must be a number of US dollars per 1M tokens (0 or more), not \'12\'',
        ),
        (
            'model = "gemini-3.8-live"\n\n[prices."gemini-3.8-live"]\ninput_adio = 3.0\n',
            'line 4: prices."gemini-3.8-live".input_adio is not a price (the keys are: input, input_text, input_audio,',
        ),
        ('[prices]\n"m" = { input = -2 }\n', 'line 2: prices."m".input must be a number of US dollars per 1M tokens (0 or more), not -2'),
        ("prices = 3\n", "line 1: prices must be a table of models"),
        ('[prices]\n"m" = 1.5\n', 'line 2: prices."m" must be a table of prices (e.g. input_audio = 3.0), not 1.5'),
    ],
)
def test_a_wrong_price_names_the_file_line_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text)
    assert error_of(path).startswith(f"{path}, {message}")
