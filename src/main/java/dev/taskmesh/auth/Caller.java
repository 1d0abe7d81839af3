package dev.taskmesh.auth;

import io.vertx.ext.auth.User;
import io.vertx.ext.web.RoutingContext;

/** The authenticated caller of one request: who (user id or {@code oidc:<sub>}), and with which role. */
public record Caller(String id, String email, Role role) {

  static final String ATTRIBUTE = "taskmesh.caller";

  public boolean isAdmin() {
    return role == Role.ADMIN;
  }

  /** True when this caller may see an object owned by {@code ownerId}. */
  public boolean canSee(String ownerId) {
    return isAdmin() || id.equals(ownerId);
  }

  /** The caller the token verifier attached to the request's user; null for anonymous requests. */
  public static Caller of(RoutingContext ctx) {
    User user = ctx.user();
    return user == null ? null : (Caller) user.attributes().getValue(ATTRIBUTE);
  }

  static void attach(User user, Caller caller) {
    user.attributes().put(ATTRIBUTE, caller);
  }
}
