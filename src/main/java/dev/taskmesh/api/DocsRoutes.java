package dev.taskmesh.api;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The contract and its browsable form, outside the contract itself: {@code /openapi.yaml},
 * {@code /openapi.json}, and Swagger UI at {@code /docs} served from the swagger-ui webjar in the
 * jar (nothing from a CDN), pointed at our document.
 */
final class DocsRoutes {

  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";

  private DocsRoutes() {}

  static void mount(Router router, Buffer yaml, Buffer json) {
    router.get("/openapi.yaml").handler(ctx -> ctx.response().putHeader("Content-Type", "application/yaml").end(yaml));
    router.get("/openapi.json").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json").end(json));
    router.get("/docs").handler(ctx -> {
      // "/docs" also matches "/docs/": redirect only the bare form.
      if (ctx.request().path().equals("/docs")) {
        ctx.redirect("/docs/");
      } else {
        ctx.next();
      }
    });
    Buffer initializer = Buffer.buffer("""
        window.onload = function () {
          window.ui = SwaggerUIBundle({
            url: "/openapi.yaml",
            dom_id: "#swagger-ui",
            deepLinking: true,
            persistAuthorization: false,
            presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
            plugins: [SwaggerUIBundle.plugins.DownloadUrl],
            layout: "StandaloneLayout"
          });
        };
        """);
    router.get("/docs/swagger-initializer.js").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/javascript; charset=utf-8").end(initializer));
    router.get("/docs/*").handler(StaticHandler.create(WEBJAR + swaggerUiVersion()).setCachingEnabled(true).setDirectoryListing(false));
  }

  static String swaggerUiVersion() {
    try (InputStream in = DocsRoutes.class.getClassLoader().getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in != null) {
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version");
      }
    } catch (IOException e) {
      // fall through
    }
    throw new IllegalStateException("swagger-ui webjar not on the class path");
  }
}
