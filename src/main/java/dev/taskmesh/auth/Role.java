package dev.taskmesh.auth;

import java.util.Locale;
import java.util.Optional;

/**
 * What a caller may do. {@code invited} reads its own tasks and runs but launches and changes
 * nothing; {@code registered} owns tasks and runs; {@code admin} sees and manages everything.
 * docs/api.md has the full matrix.
 */
public enum Role {
  ADMIN, REGISTERED, INVITED;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> parse(String label) {
    if (label == null) {
      return Optional.empty();
    }
    for (Role role : values()) {
      if (role.label().equals(label)) {
        return Optional.of(role);
      }
    }
    return Optional.empty();
  }

  /** May create, change, delete and launch its own tasks. */
  public boolean canWrite() {
    return this != INVITED;
  }

  /** The more privileged of two roles (for an external token that maps to several). */
  public static Role strongest(Role a, Role b) {
    return a.ordinal() <= b.ordinal() ? a : b;
  }
}
