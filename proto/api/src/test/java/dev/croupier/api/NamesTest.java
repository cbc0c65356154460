package dev.croupier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Name rules, checked against the regular expression they are documented by. */
class NamesTest {

  private static final Pattern RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final String ALPHABET = "aZ09._-:{} \n\u00e9/#*";

  @Test
  void isValidAndIsPlain_agreeWithTheDocumentedRules_onRandomStrings() {
    Random random = new Random(7);
    for (int n = 0; n < 100_000; n++) {
      int length = random.nextInt(70);
      StringBuilder s = new StringBuilder(length);
      for (int i = 0; i < length; i++) {
        s.append(random.nextInt(4) == 0 ? ALPHABET.charAt(random.nextInt(ALPHABET.length()))
            : (char) ('a' + random.nextInt(26)));
      }
      String name = s.toString();
      assertThat(Names.isValid(name)).as("'%s'", name).isEqualTo(RULE.matcher(name).matches());
      assertThat(Names.isPlain(name)).as("'%s'", name).isEqualTo(PLAIN.matcher(name).matches());
    }
  }

  @Test
  void require_saysWhatWasWrong() {
    assertThat(Names.requireTenant("acme-1.eu_west")).isEqualTo("acme-1.eu_west");
    assertThat(Names.isValid("a".repeat(64))).isTrue();
    assertThat(Names.isValid("a".repeat(65))).isFalse();
    assertThat(Names.isValid("-a")).isFalse();
    assertThat(Names.isValid("")).isFalse();
    assertThat(Names.isValid(null)).isFalse();
    assertThatThrownBy(() -> Names.requireFunction("a:b")).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("function 'a:b' is invalid");
    assertThatThrownBy(() -> Names.requireTenant(null)).hasMessageContaining("tenant must not be null");
  }
}
