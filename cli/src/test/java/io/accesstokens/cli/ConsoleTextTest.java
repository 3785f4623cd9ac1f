package io.accesstokens.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.accesstokens.testing.SecretLeakGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The escaping of everything the console writes that a person or the database gave it. */
@ExtendWith(SecretLeakGuard.class)
class ConsoleTextTest {
  private static final String HOSTILE =
      "a\tb\nc\rd\u0085e\u2028f\u2029g\u202Eh\u202Ci\u2066j\u2069k\u200El\u200Fm"
          + "\u061Cn\u001b[31mo\u007fp\u0000q\uD800r";

  @Test
  void everyCharacterThatBreaksALineOrTurnsText_isEscaped() {
    assertThat(ConsoleText.forTerminal(HOSTILE))
        .isEqualTo(
            "a\\u0009b\\u000ac\\u000dd\\u0085e\\u2028f\\u2029g\\u202eh"
                + "\\u202ci\\u2066j\\u2069k\\u200el\\u200fm\\u061cn\\u001b[31mo\\u007fp\\u0000q\\ud800r");
    assertThat(ConsoleText.forRecord(HOSTILE)).isEqualTo(ConsoleText.forTerminal(HOSTILE));
    assertThat(ConsoleText.forRecord(HOSTILE).split("\\R")).hasSize(1);
  }

  @Test
  void ordinaryText_isUnchanged_includingLettersOfAnyScriptAndEmoji() {
    for (String text :
        new String[] {
          "Partner X over AS2", "Müller & Söhne", "שותף", "合作伙伴", "\uD83D\uDE80 launch", ""
        }) {
      assertThat(ConsoleText.forTerminal(text)).isSameAs(text);
      assertThat(ConsoleText.forRecord(text)).isEqualTo(text);
    }
  }

  @Test
  void aRecordDoublesBackslashes_soAnEscapeAndTheSameCharactersTyped_differ() {
    assertThat(ConsoleText.forRecord("\u0085")).isEqualTo("\\u0085");
    assertThat(ConsoleText.forRecord("\\u0085")).isEqualTo("\\\\u0085");
    assertThat(ConsoleText.forTerminal("C:\\in")).isEqualTo("C:\\in");
  }

  @Test
  void aLoneSurrogateIsEscaped_aPairIsKept() {
    assertThat(ConsoleText.forTerminal("x\uDE80y\uD83D")).isEqualTo("x\\ude80y\\ud83d");
    assertThat(ConsoleText.forTerminal("\uD83D\uDE80\uD83D")).isEqualTo("\uD83D\uDE80\\ud83d");
  }
}
