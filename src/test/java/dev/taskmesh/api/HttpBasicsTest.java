package dev.taskmesh.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taskmesh.infra.Patterns;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HttpBasicsTest {

  @Test
  void jsonMediaTypesAreRecognisedWithParameters() {
    assertThat(HttpBasics.isJson("application/json")).isTrue();
    assertThat(HttpBasics.isJson("Application/JSON; charset=utf-8")).isTrue();
    assertThat(HttpBasics.isJson("application/merge-patch+json")).isTrue();
    assertThat(HttpBasics.isJson("text/plain")).isFalse();
    assertThat(HttpBasics.isJson("application/x-www-form-urlencoded")).isFalse();
    assertThat(HttpBasics.isJson(null)).isFalse();
  }

  @Test
  void searchTextIsMatchedLiterally() {
    String text = "a.b*(c)[d]{e}|f^$\\g?+-/";
    assertThat(Pattern.compile(Patterns.literal(text)).matcher("xx" + text + "yy").find()).isTrue();
    assertThat(Pattern.compile(Patterns.literal(".*")).matcher("anything").find()).isFalse();
  }

  @Test
  void generatedRequestIdsAreSixteenHexDigits() {
    assertThat(HttpBasics.newId()).matches("[0-9a-f]{16}");
  }
}
