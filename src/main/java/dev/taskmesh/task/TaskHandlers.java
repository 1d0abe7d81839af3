package dev.taskmesh.task;

import dev.taskmesh.config.AppConfig;
import dev.taskmesh.task.handler.ChecksumHandler;
import dev.taskmesh.task.handler.FailHandler;
import dev.taskmesh.task.handler.PrimesHandler;
import dev.taskmesh.task.handler.SearchPriceHandler;
import dev.taskmesh.task.handler.SleepHandler;
import dev.taskmesh.task.handler.WordCountHandler;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of task types: the one place where a handler is registered. */
public final class TaskHandlers {

  /** The settings used when none are configured (tools and tests that only need the schemas). */
  public static final AppConfig.Tasks DEFAULT_SETTINGS =
      new AppConfig.Tasks(new AppConfig.SearchPrice(URI.create("https://www.cheapshark.com"), 5_000, 2, 5, 5_000));

  private final Map<String, TaskHandler> byType = new LinkedHashMap<>();

  public TaskHandlers(List<TaskHandler> handlers) {
    for (TaskHandler handler : handlers) {
      if (byType.putIfAbsent(handler.type(), handler) != null) {
        throw new IllegalArgumentException("Two handlers for task type " + handler.type());
      }
    }
  }

  public static TaskHandlers defaults() {
    return defaults(DEFAULT_SETTINGS);
  }

  public static TaskHandlers defaults(AppConfig.Tasks settings) {
    return new TaskHandlers(List.of(
        new SearchPriceHandler(settings.searchPrice()),
        new ChecksumHandler(),
        new PrimesHandler(),
        new WordCountHandler(),
        new SleepHandler(),
        new FailHandler()));
  }

  /** These handlers plus {@code extra} ones (tests and embedders register their own types this way). */
  public TaskHandlers with(List<TaskHandler> extra) {
    List<TaskHandler> all = new ArrayList<>(byType.values());
    all.addAll(extra);
    return new TaskHandlers(all);
  }

  public Optional<TaskHandler> find(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  public Collection<TaskHandler> all() {
    return Collections.unmodifiableCollection(byType.values());
  }
}
