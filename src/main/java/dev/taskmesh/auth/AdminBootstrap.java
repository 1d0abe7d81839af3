package dev.taskmesh.auth;

import dev.taskmesh.config.AppConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.mongo.IndexOptions;
import io.vertx.ext.mongo.MongoClient;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Creates the first admin account when no admin exists: from ADMIN_EMAIL/ADMIN_PASSWORD, or with a
 * random password that is returned once (for the banner) and stored only as a hash.
 */
public final class AdminBootstrap {

  public static final String USERS = "users";

  /** What happened at start; {@code generatedPassword} is present only when one was made up. */
  public record Outcome(String email, boolean created, Optional<String> generatedPassword) {}

  private AdminBootstrap() {}

  public static Future<Outcome> ensureAdmin(Vertx vertx, MongoClient mongo, AppConfig.Auth auth, PasswordHasher hasher) {
    return mongo.createIndexWithOptions(USERS, new JsonObject().put("email", 1), new IndexOptions().unique(true))
        .compose(v -> mongo.findOne(USERS, new JsonObject().put("role", "admin"), new JsonObject().put("email", 1)))
        .compose(existing -> existing != null
            ? Future.succeededFuture(new Outcome(existing.getString("email"), false, Optional.empty()))
            : create(vertx, mongo, auth, hasher));
  }

  private static Future<Outcome> create(Vertx vertx, MongoClient mongo, AppConfig.Auth auth, PasswordHasher hasher) {
    Optional<String> generated = auth.adminPassword().isPresent() ? Optional.empty() : Optional.of(randomPassword());
    String password = auth.adminPassword().orElseGet(generated::get);
    return vertx.executeBlocking(() -> hasher.hash(password), false).compose(hash -> {
      JsonObject now = new JsonObject().put("$date", Instant.now().toString());
      JsonObject admin = new JsonObject()
          .put("_id", UUID.randomUUID().toString())
          .put("v", 1)
          .put("email", auth.adminEmail().toLowerCase(java.util.Locale.ROOT))
          .put("name", auth.adminName())
          .put("role", "admin")
          .put("passwordHash", hash)
          .put("createdAt", now)
          .put("updatedAt", now);
      return mongo.insert(USERS, admin).map(id -> new Outcome(admin.getString("email"), true, generated))
          // Several api replicas starting at once: the unique email index lets one win; the others
          // find the admin made and start normally instead of failing.
          .recover(e -> isDuplicateKey(e)
              ? Future.succeededFuture(new Outcome(admin.getString("email"), false, Optional.empty()))
              : Future.failedFuture(e));
    });
  }

  private static boolean isDuplicateKey(Throwable e) {
    return e instanceof com.mongodb.MongoWriteException write && write.getError().getCode() == 11000
        || String.valueOf(e.getMessage()).contains("E11000");
  }

  private static String randomPassword() {
    byte[] bytes = new byte[15];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
