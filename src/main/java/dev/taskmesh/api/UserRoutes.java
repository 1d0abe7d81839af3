package dev.taskmesh.api;

import dev.taskmesh.auth.AccountService;
import dev.taskmesh.auth.Caller;
import dev.taskmesh.auth.Role;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Accounts. Listing, creating and deleting are for admins (403 for others). Reading and changing an
 * account is for admins and the account itself; anyone else gets 404, as if it did not exist.
 * Only an admin sets a role.
 */
final class UserRoutes {

  private final AccountService accounts;

  UserRoutes(AccountService accounts) {
    this.accounts = accounts;
  }

  void register(Map<String, Handler<RoutingContext>> operations) {
    operations.put("listUsers", this::list);
    operations.put("createUser", this::create);
    operations.put("getUser", this::get);
    operations.put("updateUser", this::update);
    operations.put("deleteUser", this::delete);
  }

  private static boolean requireAdmin(RoutingContext ctx, Caller caller) {
    if (!caller.isAdmin()) {
      Problem.send(ctx, 403, "Only an admin may do this.");
      return false;
    }
    return true;
  }

  private void list(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (!requireAdmin(ctx, caller)) {
      return;
    }
    int page = Requests.intQuery(ctx, "page", 1);
    int size = Requests.intQuery(ctx, "size", Requests.DEFAULT_SIZE);
    accounts.list(Requests.query(ctx, "q"), page, size)
        .onSuccess(result -> Requests.json(ctx, 200, Requests.page(result.items().stream().map(a -> a.toJson()).toList(), page, size, result.total())))
        .onFailure(ctx::fail);
  }

  private void create(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (!requireAdmin(ctx, caller)) {
      return;
    }
    JsonObject body = Requests.body(ctx);
    Role role = Role.parse(body.getString("role", "registered")).orElse(Role.REGISTERED);
    accounts.create(body.getString("email"), body.getString("name"), body.getString("password"), role)
        .onSuccess(account -> Requests.created(ctx, 201, "/api/users/" + account.id(), account.toJson()))
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    if (!caller.canSee(id)) {
      Problem.send(ctx, 404, "No user with id " + id + ".");
      return;
    }
    accounts.find(id).onSuccess(found -> found.ifPresentOrElse(
        account -> Requests.json(ctx, 200, account.toJson()),
        () -> Problem.send(ctx, 404, "No user with id " + id + ".")))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    String id = ctx.pathParam("id");
    if (!caller.canSee(id)) {
      Problem.send(ctx, 404, "No user with id " + id + ".");
      return;
    }
    JsonObject body = Requests.body(ctx);
    Role role = body.containsKey("role") ? Role.parse(body.getString("role")).orElse(null) : null;
    if (role != null && !caller.isAdmin()) {
      Problem.send(ctx, 403, "Only an admin may change a role.");
      return;
    }
    String password = body.getString("password");
    String currentPassword = body.getString("currentPassword");
    boolean own = caller.id().equals(id);
    if (password != null && own && currentPassword == null) {
      Problem.send(ctx, 400, "Changing your own password needs currentPassword too.");
      return;
    }
    accounts.find(id).compose(found -> {
      if (found.isEmpty()) {
        return io.vertx.core.Future.succeededFuture(java.util.Optional.<dev.taskmesh.auth.Account>empty());
      }
      return accounts.update(found.get(), body.getString("name"), password, own ? currentPassword : null, role);
    }).onSuccess(updated -> updated.ifPresentOrElse(
        account -> Requests.json(ctx, 200, account.toJson()),
        () -> Problem.send(ctx, 404, "No user with id " + id + ".")))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    Caller caller = Caller.of(ctx);
    if (!requireAdmin(ctx, caller)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (caller.id().equals(id)) {
      Problem.send(ctx, 409, "You cannot delete your own account; ask another admin.");
      return;
    }
    accounts.delete(id).onSuccess(deleted -> {
      if (deleted) {
        Requests.noContent(ctx);
      } else {
        Problem.send(ctx, 404, "No user with id " + id + ".");
      }
    }).onFailure(ctx::fail);
  }
}
