package dev.taskmesh.task;

import dev.taskmesh.task.handler.PrimesHandler;
import dev.taskmesh.task.handler.SleepHandler;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The registry of task types: the one place where a handler is registered. */
public final class TaskHandlers {

  private final Map<String, TaskHandler> byType = new LinkedHashMap<>();

  public TaskHandlers(List<TaskHandler> handlers) {
    for (TaskHandler handler : handlers) {
      if (byType.putIfAbsent(handler.type(), handler) != null) {
        throw new IllegalArgumentException("Two handlers for task type " + handler.type());
      }
    }
  }

  public static TaskHandlers defaults() {
    return new TaskHandlers(List.of(new SleepHandler(), new PrimesHandler()));
  }

  public Optional<TaskHandler> find(String type) {
    return Optional.ofNullable(byType.get(type));
  }

  public Collection<TaskHandler> all() {
    return Collections.unmodifiableCollection(byType.values());
  }
}
