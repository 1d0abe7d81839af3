package dev.taskmesh.api;

import dev.taskmesh.auth.AccountService;
import dev.taskmesh.auth.Caller;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;

/**
 * Login and the caller's own account. Failed logins are limited per account and per client address;
 * each attempt is counted before the (slow, off-loop) password check, so parallel guesses cannot
 * slip past the limit, and a successful login gives its attempt back.
 */
final class AuthRoutes {

  private final AccountService accounts;
  private final RateLimiter perAccount;
  private final RateLimiter perAddress;

  AuthRoutes(AccountService accounts, RateLimiter perAccount, RateLimiter perAddress) {
    this.accounts = accounts;
    this.perAccount = perAccount;
    this.perAddress = perAddress;
  }

  void register(Map<String, Handler<RoutingContext>> operations) {
    operations.put("login", this::login);
    operations.put("loginAlias", this::login);
    operations.put("getMe", this::me);
  }

  private void login(RoutingContext ctx) {
    JsonObject body = Requests.body(ctx);
    String email = body.getString("email", "").trim().toLowerCase(Locale.ROOT);
    String password = body.getString("password", "");
    String accountKey = "acct:" + email;
    String addressKey = "addr:" + Requests.clientAddress(ctx);
    long wait = perAddress.acquire(addressKey);
    if (wait > 0) {
      Requests.tooMany(ctx, wait, "Too many failed logins from this address; retry after " + wait + " s.");
      return;
    }
    wait = perAccount.acquire(accountKey);
    if (wait > 0) {
      perAddress.release(addressKey);
      Requests.tooMany(ctx, wait, "Too many failed logins for this account; retry after " + wait + " s.");
      return;
    }
    accounts.login(email, password).onSuccess(token -> {
      if (token.isEmpty()) {
        Problem.send(ctx, 401, "Wrong email or password.");
        return;
      }
      perAccount.release(accountKey);
      perAddress.release(addressKey);
      Requests.json(ctx, 200, new JsonObject()
          .put("token", token.get().token())
          .put("tokenType", "Bearer")
          .put("expiresAt", token.get().expiresAt().toString()));
    }).onFailure(ctx::fail);
  }

  private void me(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (caller.id().startsWith("oidc:")) {
      Requests.json(ctx, 200, new JsonObject().put("id", caller.id()).put("email", caller.email()).put("role", caller.role().label())
          .put("external", true));
      return;
    }
    accounts.find(caller.id()).onSuccess(found -> found.ifPresentOrElse(
        account -> Requests.json(ctx, 200, account.toJson()),
        () -> Problem.send(ctx, 404, "Your account no longer exists.")))
        .onFailure(ctx::fail);
  }
}
