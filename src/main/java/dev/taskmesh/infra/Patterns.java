package dev.taskmesh.infra;

/** Turns user text into a regular expression that matches it literally (search without regex injection). */
public final class Patterns {

  private Patterns() {}

  public static String literal(String text) {
    StringBuilder out = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if ("\\^$.|?*+()[]{}/-".indexOf(c) >= 0) {
        out.append('\\');
      }
      out.append(c);
    }
    return out.toString();
  }
}
