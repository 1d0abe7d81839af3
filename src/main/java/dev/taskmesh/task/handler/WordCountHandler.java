package dev.taskmesh.task.handler;

import dev.taskmesh.task.InputSchema;
import dev.taskmesh.task.TaskContext;
import dev.taskmesh.task.TaskHandler;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** Statistics of a text: words, distinct words, characters, lines and the most frequent words. */
public final class WordCountHandler implements TaskHandler {

  static final String DEFAULT_TEXT = "The quick brown fox jumps over the lazy dog. The dog sleeps.";
  static final int MAX_TEXT = 1024 * 1024;
  private static final Pattern WORD_SPLIT = Pattern.compile("[^\\p{L}\\p{N}']+");

  @Override
  public String type() {
    return "word-count";
  }

  @Override
  public String description() {
    return "Counts words, distinct words, characters and lines of a text, with the top words (a sample text by default).";
  }

  @Override
  public JsonObject inputSchema() {
    return InputSchema.object(new JsonObject()
            .put("text", new JsonObject().put("type", "string").put("maxLength", MAX_TEXT).put("default", DEFAULT_TEXT))
            .put("top", new JsonObject().put("type", "integer").put("minimum", 0).put("maximum", 100).put("default", 5)));
  }

  @Override
  public Future<Object> execute(TaskContext context) {
    String text = context.textInput("text", DEFAULT_TEXT);
    int top = Math.min(100, Math.max(0, context.intInput("top", 5)));
    if (text.length() > MAX_TEXT) {
      return Future.failedFuture(new IllegalArgumentException("text longer than " + MAX_TEXT + " characters"));
    }
    // Up to 1 MiB of text is a few milliseconds of work: fine off the event loop, not worth a thread hop below 4 KiB.
    return text.length() < 4096 ? Future.succeededFuture(count(text, top)) : context.compute(() -> count(text, top));
  }

  static JsonObject count(String text, int top) {
    Map<String, Integer> frequency = new HashMap<>();
    int words = 0;
    for (String word : WORD_SPLIT.split(text)) {
      if (!word.isEmpty()) {
        words++;
        frequency.merge(word.toLowerCase(Locale.ROOT), 1, Integer::sum);
      }
    }
    JsonArray topWords = new JsonArray();
    frequency.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey(Comparator.naturalOrder())))
        .limit(top)
        .forEach(e -> topWords.add(new JsonObject().put("word", e.getKey()).put("count", e.getValue())));
    long lines = text.isEmpty() ? 0 : text.lines().count();
    return new JsonObject()
        .put("words", words)
        .put("distinctWords", frequency.size())
        .put("characters", text.length())
        .put("lines", lines)
        .put("top", topWords);
  }
}
