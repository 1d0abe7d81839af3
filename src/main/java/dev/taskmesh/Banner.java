package dev.taskmesh;

import dev.taskmesh.auth.AdminBootstrap;
import dev.taskmesh.config.AppConfig;
import dev.taskmesh.config.Role;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a person needs after start: where things are, what runs embedded, how to stop. */
public record Banner(AppConfig config, Path dataDir, boolean embeddedKafka, boolean embeddedMongo,
    Optional<AdminBootstrap.Outcome> admin, long startMillis) {

  public String render() {
    StringBuilder out = new StringBuilder();
    String roles = config.roles().stream().map(Role::label).collect(Collectors.joining(", "));
    out.append("\n  taskmesh is ready in ").append(startMillis).append(" ms  (roles: ").append(roles).append(")\n\n");
    if (config.runs(Role.API)) {
      String host = config.http().host().equals("0.0.0.0") ? "localhost" : config.http().host();
      String base = "http://" + host + ":" + config.http().port();
      line(out, "API", base + "/api");
      line(out, "Task types", base + "/api/task-types");
      line(out, "Health", base + "/health/ready");
      line(out, "Metrics", base + "/metrics");
    }
    line(out, "Data dir", dataDir.toString());
    String kafka = config.kafka().bootstrapServers().orElseThrow();
    String mongo = config.mongo().uri().orElseThrow();
    line(out, "Kafka", kafka + (embeddedKafka ? "  (embedded KRaft broker)" : "  (external)"));
    line(out, "Store", mongo + (embeddedMongo ? "  (embedded MongoDB-compatible development store, "
        + config.mongo().embeddedBackend().name().toLowerCase() + ")" : "  (MongoDB)"));
    admin.ifPresent(outcome -> {
      if (outcome.generatedPassword().isPresent()) {
        line(out, "Admin", outcome.email() + " / " + outcome.generatedPassword().get()
            + "   <- generated now and shown only once; set ADMIN_PASSWORD to choose it");
      } else {
        line(out, "Admin", outcome.email() + (outcome.created() ? " (created from ADMIN_EMAIL / ADMIN_PASSWORD)" : ""));
      }
    });
    if (config.roles().equals(java.util.Set.of(Role.INFRA))) {
      out.append("\n  Other processes on this machine can share this broker and store:\n")
          .append("    KAFKA_BOOTSTRAP_SERVERS=").append(kafka).append(" MONGO_URI=").append(mongo)
          .append(" ROLES=worker java -jar target/taskmesh.jar\n");
    }
    out.append("\n  Stop with Ctrl+C (or SIGTERM).\n");
    return out.toString();
  }

  private static void line(StringBuilder out, String label, String value) {
    out.append("  ").append(String.format("%-11s", label)).append(value).append('\n');
  }
}
