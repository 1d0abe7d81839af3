package dev.taskmesh.api;

import dev.taskmesh.run.Run;
import dev.taskmesh.run.RunRepository;
import dev.taskmesh.run.RunStatus;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * {@code GET /api/runs/{id}/result}: a run's result as an HTML page. A {@code search-price} result is
 * drawn as a bar chart of the cheapest price per game (inline SVG, drawn on the server: no script,
 * nothing from a CDN); other results are shown as JSON. The page's stylesheet is served from the jar
 * at {@code /assets/result.css}. Who may see a run is the gateway's decision (mount it behind auth).
 */
public final class RunResultPage {

  static final String STYLESHEET_PATH = "/assets/result.css";
  private static final int BAR_HEIGHT = 26;
  private static final int CHART_WIDTH = 640;
  private static final int LABEL_WIDTH = 260;

  private final RunRepository runs;
  private final Buffer stylesheet;

  public RunResultPage(RunRepository runs) {
    this.runs = runs;
    this.stylesheet = Buffer.buffer(resource("assets/result.css"));
  }

  public void mount(Router router) {
    router.get("/api/runs/:id/result").handler(this::page);
    mountAssets(router);
  }

  /**
   * The gateway's way in: the page as the contract operation {@code getRunResult}, shown only to who
   * may see the run (its launcher, or an admin; others get 404), and the stylesheet outside the contract.
   */
  void register(java.util.Map<String, io.vertx.core.Handler<RoutingContext>> operations, dev.taskmesh.run.RunService visible) {
    operations.put("getRunResult", ctx -> {
      String id = ctx.pathParam("id");
      visible.find(id, dev.taskmesh.auth.Caller.of(ctx)).onSuccess(found -> {
        if (found.isEmpty()) {
          Problem.send(ctx, 404, "No run with id " + id + ".");
        } else {
          send(ctx, found.get());
        }
      }).onFailure(ctx::fail);
    });
  }

  void mountAssets(Router router) {
    router.get(STYLESHEET_PATH).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/css; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=3600")
        .end(stylesheet));
  }

  private void page(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    runs.findById(id).onSuccess(found -> {
      if (found.isEmpty()) {
        Problem.send(ctx, 404, "No run with id " + id + ".");
        return;
      }
      send(ctx, found.get());
    }).onFailure(ctx::fail);
  }

  private static void send(RoutingContext ctx, Run run) {
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'")
        .end(render(run));
  }

  static String render(Run run) {
    StringBuilder html = new StringBuilder(4096);
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Run ").append(escape(run.id())).append("</title>")
        .append("<link rel=\"stylesheet\" href=\"").append(STYLESHEET_PATH).append("\"></head><body>")
        .append("<h1>").append(escape(run.type())).append(" run</h1>")
        .append("<p class=\"meta\">").append(escape(run.id())).append(" · <span class=\"status ").append(run.status().name().toLowerCase(Locale.ROOT))
        .append("\">").append(run.status()).append("</span> · attempt ").append(run.attempt()).append("</p>");
    if (run.status() != RunStatus.COMPLETED) {
      html.append("<p>").append(run.status().terminal() ? "This run ended without a result" : "This run has no result yet").append(".</p>");
      if (run.error() != null) {
        html.append("<pre class=\"error\">").append(escape(run.error())).append("</pre>");
      }
    } else if (run.result() instanceof JsonObject result && result.getValue("games") instanceof JsonArray games) {
      html.append("<h2>Cheapest price for “").append(escape(result.getString("title", ""))).append("” (")
          .append(escape(result.getString("currency", "USD"))).append(")</h2>");
      html.append(games.isEmpty() ? "<p>No game matched.</p>" : chart(games));
    } else {
      Object result = run.result();
      String text = result instanceof JsonObject object ? object.encodePrettily() : result instanceof JsonArray array ? array.encodePrettily() : String.valueOf(result);
      html.append("<pre class=\"result\">").append(escape(text)).append("</pre>");
    }
    return html.append("</body></html>\n").toString();
  }

  static String chart(JsonArray games) {
    double max = 0;
    for (Object game : games) {
      max = Math.max(max, ((JsonObject) game).getDouble("cheapest", 0.0));
    }
    int height = games.size() * BAR_HEIGHT + 10;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg class=\"chart\" role=\"img\" aria-label=\"Cheapest price per game\" viewBox=\"0 0 ").append(CHART_WIDTH)
        .append(' ').append(height).append("\" width=\"").append(CHART_WIDTH).append("\" height=\"").append(height).append("\">");
    int barSpace = CHART_WIDTH - LABEL_WIDTH - 70;
    int y = 5;
    for (Object item : games) {
      JsonObject game = (JsonObject) item;
      double price = game.getDouble("cheapest", 0.0);
      int width = max <= 0 ? 0 : (int) Math.round(barSpace * price / max);
      String label = escape(game.getString("title", "?"));
      svg.append("<g><title>").append(label).append(": $").append(String.format(Locale.ROOT, "%.2f", price)).append("</title>")
          .append("<text class=\"label\" x=\"").append(LABEL_WIDTH - 8).append("\" y=\"").append(y + 17).append("\">").append(label).append("</text>")
          .append("<rect class=\"bar\" x=\"").append(LABEL_WIDTH).append("\" y=\"").append(y + 3).append("\" width=\"").append(Math.max(1, width))
          .append("\" height=\"").append(BAR_HEIGHT - 6).append("\"/>")
          .append("<text class=\"value\" x=\"").append(LABEL_WIDTH + Math.max(1, width) + 6).append("\" y=\"").append(y + 17).append("\">$")
          .append(String.format(Locale.ROOT, "%.2f", price)).append("</text></g>");
      y += BAR_HEIGHT;
    }
    return svg.append("</svg>").toString();
  }

  static String escape(String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static byte[] resource(String name) {
    try (InputStream in = RunResultPage.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
