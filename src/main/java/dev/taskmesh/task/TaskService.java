package dev.taskmesh.task;

import dev.taskmesh.infra.Patterns;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Task definitions: create, change, list, delete. A task's {@code input} must satisfy the JSON
 * schema its type's handler declares (validators are compiled once, at construction). Visibility
 * (own tasks, or all for admins) is the caller's concern: the query it builds says whose.
 */
public final class TaskService {

  /** The task is not acceptable: field -> what is wrong. */
  public static final class InvalidTaskException extends RuntimeException {
    private final List<JsonObject> errors;

    public InvalidTaskException(String message, List<JsonObject> errors) {
      super(message, null, false, false);
      this.errors = errors;
    }

    public List<JsonObject> errors() {
      return errors;
    }
  }

  /** What a list shows and in which order. */
  public record Query(String owner, String text, String type, Task.Priority priority, String sort, boolean ascending, int page, int size) {}

  public record Page(List<Task> items, long total) {}

  private static final Map<String, String> SORT_FIELDS = Map.of(
      "created", "createdAt", "updated", "updatedAt", "title", "title", "priority", "priorityRank");

  private final TaskRepository tasks;
  private final TaskHandlers handlers;
  private final Map<String, Validator> validators = new HashMap<>();

  public TaskService(TaskRepository tasks, TaskHandlers handlers) {
    this.tasks = tasks;
    this.handlers = handlers;
    JsonSchemaOptions options = new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri("https://taskmesh.dev/schemas/")
        .setOutputFormat(OutputFormat.Basic);
    for (TaskHandler handler : handlers.all()) {
      validators.put(handler.type(), Validator.create(JsonSchema.of(handler.inputSchema()), options));
    }
  }

  public Future<Task> create(String owner, String title, String description, String type, JsonObject input, Task.Priority priority) {
    Instant now = Instant.now();
    Task task = new Task(UUID.randomUUID().toString(), owner, title, description == null ? "" : description, type,
        input == null ? new JsonObject() : input, priority == null ? Task.Priority.MEDIUM : priority, now, now);
    try {
      validate(task);
    } catch (InvalidTaskException e) {
      return Future.failedFuture(e);
    }
    return tasks.insert(task);
  }

  public Future<Optional<Task>> find(String id) {
    return tasks.findById(id);
  }

  /** Applies the given changes (null = unchanged) to an existing task, re-validating type and input together. */
  public Future<Optional<Task>> update(Task current, String title, String description, String type, JsonObject input, Task.Priority priority) {
    Task changed = new Task(current.id(), current.owner(),
        title != null ? title : current.title(),
        description != null ? description : current.description(),
        type != null ? type : current.type(),
        input != null ? input : current.input(),
        priority != null ? priority : current.priority(),
        current.createdAt(), current.updatedAt());
    try {
      validate(changed);
    } catch (InvalidTaskException e) {
      return Future.failedFuture(e);
    }
    return tasks.update(changed, Instant.now());
  }

  public Future<Boolean> delete(String id) {
    return tasks.delete(id);
  }

  public Future<Page> list(Query query) {
    JsonObject filter = new JsonObject();
    if (query.owner() != null) {
      filter.put("owner", query.owner());
    }
    if (query.type() != null) {
      filter.put("type", query.type());
    }
    if (query.priority() != null) {
      filter.put("priority", query.priority().label());
    }
    if (query.text() != null && !query.text().isBlank()) {
      String pattern = Patterns.literal(query.text().trim());
      filter.put("$or", new JsonArray()
          .add(new JsonObject().put("title", new JsonObject().put("$regex", pattern).put("$options", "i")))
          .add(new JsonObject().put("description", new JsonObject().put("$regex", pattern).put("$options", "i"))));
    }
    int direction = query.ascending() ? 1 : -1;
    JsonObject sort = new JsonObject().put(SORT_FIELDS.getOrDefault(query.sort(), "createdAt"), direction).put("_id", direction);
    return Future.all(tasks.find(filter, sort, (query.page() - 1) * query.size(), query.size()), tasks.count(filter))
        .map(all -> new Page(all.resultAt(0), all.<Long>resultAt(1)));
  }

  void validate(Task task) {
    Validator validator = validators.get(task.type());
    if (validator == null) {
      throw new InvalidTaskException("Unknown task type '" + task.type() + "'; one of " + typeNames() + ".",
          List.of(new JsonObject().put("field", "type").put("message", "one of " + typeNames())));
    }
    OutputUnit result = validator.validate(task.input());
    if (!Boolean.TRUE.equals(result.getValid())) {
      List<JsonObject> errors = new ArrayList<>();
      if (result.getErrors() != null) {
        for (OutputUnit error : result.getErrors()) {
          String location = error.getInstanceLocation() == null ? "" : error.getInstanceLocation().replaceFirst("^#", "").replace('/', '.');
          String message = error.getError();
          // Keep the leaf reasons; "does not match schema" lines only repeat them one level up.
          if (message != null && !message.contains("does not match")) {
            errors.add(new JsonObject().put("field", "input" + (location.equals(".") ? "" : location)).put("message", message));
          }
        }
      }
      if (errors.isEmpty()) {
        errors.add(new JsonObject().put("field", "input").put("message", "does not match the input schema of " + task.type()));
      }
      throw new InvalidTaskException("The input does not match the schema of task type '" + task.type() + "' (see GET /api/task-types).", errors);
    }
  }

  private String typeNames() {
    return String.join(", ", handlers.all().stream().map(TaskHandler::type).toList());
  }
}
