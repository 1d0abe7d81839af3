package dev.taskmesh.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Users and login. Argon2id hashing costs tens of milliseconds of CPU, so every hash and verify runs
 * through {@code executeBlocking}, never on the event loop. A login for an unknown email still
 * verifies against a dummy hash, so the answer time does not tell which emails exist.
 */
public final class AccountService {

  /** A request that conflicts with the stored state (duplicate email, wrong current password...). */
  public static final class AccountException extends RuntimeException {
    private final int status;

    public AccountException(int status, String message) {
      super(message, null, false, false);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  public record Page(List<Account> items, long total) {}

  private final Vertx vertx;
  private final AccountRepository accounts;
  private final PasswordHasher hasher;
  private final TokenService tokens;
  private final TokenRevocations revocations;
  private final String dummyHash;

  public AccountService(Vertx vertx, AccountRepository accounts, PasswordHasher hasher, TokenService tokens, TokenRevocations revocations,
      String dummyHash) {
    this.vertx = vertx;
    this.accounts = accounts;
    this.hasher = hasher;
    this.tokens = tokens;
    this.revocations = revocations;
    this.dummyHash = dummyHash;
  }

  /** Empty when the email or the password is wrong (the caller cannot tell which). */
  public Future<Optional<TokenService.IssuedToken>> login(String email, String password) {
    return accounts.findByEmail(normalize(email)).compose(found -> {
      String hash = found.map(Account::passwordHash).orElse(dummyHash);
      return vertx.executeBlocking(() -> hasher.verify(password, hash), false).map(valid -> {
        if (!valid || found.isEmpty()) {
          return Optional.<TokenService.IssuedToken>empty();
        }
        Account account = found.get();
        if (hasher.needsRehash(account.passwordHash())) {
          vertx.executeBlocking(() -> hasher.hash(password), false)
              .compose(newHash -> accounts.rehash(account.id(), account.passwordHash(), newHash));
        }
        return Optional.of(tokens.issue(account.id(), account.email(), account.role()));
      });
    });
  }

  public Future<Account> create(String email, String name, String password, Role role) {
    Instant now = Instant.now();
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> accounts.insert(new Account(UUID.randomUUID().toString(), normalize(email), name, role, hash, now, now)))
        .recover(e -> Future.failedFuture(dev.taskmesh.infra.MongoErrors.duplicateKey(e) ? new AccountException(409, "An account with email " + normalize(email) + " exists already.") : e));
  }

  public Future<Optional<Account>> find(String id) {
    return accounts.findById(id);
  }

  public Future<Page> list(String query, int page, int size) {
    JsonObject filter = new JsonObject();
    if (query != null && !query.isBlank()) {
      String pattern = dev.taskmesh.infra.Patterns.literal(query);
      filter.put("$or", new io.vertx.core.json.JsonArray()
          .add(new JsonObject().put("email", new JsonObject().put("$regex", pattern).put("$options", "i")))
          .add(new JsonObject().put("name", new JsonObject().put("$regex", pattern).put("$options", "i"))));
    }
    return Future.all(accounts.list(filter, (page - 1) * size, size), accounts.count(filter))
        .map(all -> new Page(all.resultAt(0), all.<Long>resultAt(1)));
  }

  /**
   * Changes name, password and (admins only, checked by the caller) role. A password change by the
   * account's owner needs the current password. Tokens issued before a role or password change stop
   * working, in every gateway process ({@link TokenRevocations}).
   */
  public Future<Optional<Account>> update(Account current, String name, String newPassword, String currentPassword, Role role) {
    Future<Void> check = Future.succeededFuture();
    if (newPassword != null && currentPassword != null) {
      check = vertx.executeBlocking(() -> hasher.verify(currentPassword, current.passwordHash()), false)
          .compose(ok -> ok ? Future.succeededFuture() : Future.failedFuture(new AccountException(403, "The current password is wrong.")));
    }
    return check.compose(v -> newPassword == null
            ? Future.succeededFuture((String) null)
            : vertx.executeBlocking(() -> hasher.hash(newPassword), false))
        .compose(hash -> {
          JsonObject set = new JsonObject();
          if (name != null) {
            set.put("name", name);
          }
          if (hash != null) {
            set.put("passwordHash", hash);
          }
          if (role != null) {
            set.put("role", role.label());
          }
          Instant now = Instant.now();
          // The revocation is stored first: if the update then fails, the user only logs in again.
          Future<Void> revoked = hash != null || (role != null && role != current.role())
              ? revocations.revoke(current.id(), now.toEpochMilli())
              : Future.succeededFuture();
          return revoked.compose(v -> accounts.update(current.id(), set, now));
        });
  }

  public Future<Boolean> delete(String id) {
    return revocations.revoke(id, Instant.now().toEpochMilli() + 1).compose(v -> accounts.delete(id));
  }

  static String normalize(String email) {
    return email == null ? "" : email.trim().toLowerCase(Locale.ROOT);
  }
}
