package dev.croupier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The retry keys a client gives the jobs of one call: their form, and what is not one. */
class RetryKeysTest {

  @Test
  void of_andParse_roundTrip() {
    String token = RetryKeys.newToken();
    assertThat(token).matches("[0-9a-f]{32}");
    assertThat(RetryKeys.newToken()).isNotEqualTo(token);
    String key = RetryKeys.of(token, 42);
    assertThat(key).isEqualTo("croupier-call:" + token + ":42");
    assertThat(RetryKeys.parse(key)).isEqualTo(new RetryKeys.Parsed(token, "42"));
    assertThat(RetryKeys.parse(RetryKeys.of(token, 0)).index()).isEqualTo("0");
  }

  @Test
  void parse_takesAnyOtherKeyForAnOrdinaryOne() {
    String token = "0123456789abcdef0123456789abcdef";
    assertThat(RetryKeys.parse(null)).isNull();
    assertThat(RetryKeys.parse("order-1")).isNull();
    assertThat(RetryKeys.parse("croupier-client:" + token)).as("an older client's key").isNull();
    assertThat(RetryKeys.parse("croupier-call:" + token)).as("no index").isNull();
    assertThat(RetryKeys.parse("croupier-call:" + token + ":01")).as("a leading zero").isNull();
    assertThat(RetryKeys.parse("croupier-call:" + token + ":1000000")).as("past the index limit").isNull();
    assertThat(RetryKeys.parse("croupier-call:" + token.toUpperCase() + ":1")).isNull();
    assertThat(RetryKeys.parse("croupier-call:" + token + "}{c:1}:1")).isNull();
    assertThat(RetryKeys.parse("croupier-call:" + token + ":1\n")).isNull();
  }

  @Test
  void parse_agreesWithTheDocumentedForm_onRandomKeys() {
    Pattern form = Pattern.compile("croupier-call:([0-9a-f]{32}):(0|[1-9][0-9]{0,5})");
    Random random = new Random(11);
    String digits = "0123456789abcdefA:g";
    for (int n = 0; n < 100_000; n++) {
      StringBuilder s = new StringBuilder(random.nextInt(8) == 0 ? "croupier-cal:" : RetryKeys.PREFIX);
      int tokenLength = random.nextInt(4) == 0 ? 30 + random.nextInt(4) : 32;
      for (int i = 0; i < tokenLength; i++) {
        s.append(random.nextInt(50) == 0 ? digits.charAt(random.nextInt(digits.length()))
            : "0123456789abcdef".charAt(random.nextInt(16)));
      }
      if (random.nextInt(10) > 0) {
        s.append(':');
      }
      int indexLength = random.nextInt(9);
      for (int i = 0; i < indexLength; i++) {
        s.append(random.nextInt(40) == 0 ? 'x' : (char) ('0' + random.nextInt(10)));
      }
      String key = s.toString();
      Matcher m = form.matcher(key);
      RetryKeys.Parsed parsed = RetryKeys.parse(key);
      assertThat(parsed).as(key).isEqualTo(m.matches() ? new RetryKeys.Parsed(m.group(1), m.group(2)) : null);
    }
  }

  @Test
  void of_refusesWhatIsNotAToken() {
    assertThatThrownBy(() -> RetryKeys.of("xyz", 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryKeys.of(RetryKeys.newToken(), -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RetryKeys.of(RetryKeys.newToken(), RetryKeys.MAX_INDEX + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
