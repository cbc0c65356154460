package dev.croupier.node.internal.server;

import dev.croupier.node.config.Tokens;
import dev.croupier.node.config.Principal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TokensTest {

  @Test
  void parse_readsRolesScopesAndComments() {
    Tokens t = Tokens.parse("f", List.of(
        "# who may do what",
        "",
        "aaaaaaaa producer acme,globex   # two tenants",
        "bbbbbbbb worker send-sms",
        "cccccccc admin *",
        "dddddddd producer *"));
    assertThat(t.size()).isEqualTo(4);
    Principal p = t.principal("aaaaaaaa").orElseThrow();
    assertThat(p.mayProduceFor("acme")).isTrue();
    assertThat(p.mayProduceFor("initech")).isFalse();
    assertThat(p.mayServe("send-sms")).isFalse();
    Principal w = t.principal("bbbbbbbb").orElseThrow();
    assertThat(w.mayServe("send-sms")).isTrue();
    assertThat(w.mayServe("other")).isFalse();
    assertThat(w.mayProduceFor("acme")).isFalse();
    assertThat(t.principal("cccccccc").orElseThrow().mayServe("anything")).isTrue();
    assertThat(t.principal("dddddddd").orElseThrow().mayProduceFor("anyone")).isTrue();
    assertThat(t.principal("unknown-token")).isEmpty();
  }

  @Test
  void parse_whenLineHasTooFewFields_namesTheLine() {
    assertThatThrownBy(() -> Tokens.parse("tokens.txt", List.of("# c", "aaaaaaaa producer")))
        .hasMessageContaining("tokens.txt line 2").hasMessageContaining("3 fields");
  }

  @Test
  void parse_whenRoleUnknown_namesIt() {
    assertThatThrownBy(() -> Tokens.parse("f", List.of("aaaaaaaa boss *")))
        .hasMessageContaining("line 1").hasMessageContaining("'boss'");
  }

  @Test
  void parse_whenAdminScopeNotStar_refuses() {
    assertThatThrownBy(() -> Tokens.parse("f", List.of("aaaaaaaa admin acme")))
        .hasMessageContaining("admin scope must be '*'");
  }

  @Test
  void parse_whenScopeEntryInvalid_namesIt() {
    assertThatThrownBy(() -> Tokens.parse("f", List.of("aaaaaaaa producer acme,,x")))
        .hasMessageContaining("scope entry ''");
  }

  @Test
  void parse_whenTokenRepeatedOrShort_refuses() {
    assertThatThrownBy(() -> Tokens.parse("f", List.of("aaaaaaaa producer a", "aaaaaaaa worker f")))
        .hasMessageContaining("line 2").hasMessageContaining("already defined");
    assertThatThrownBy(() -> Tokens.parse("f", List.of("short producer a")))
        .hasMessageContaining("at least 8");
  }
}
