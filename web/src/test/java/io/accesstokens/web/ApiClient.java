package io.accesstokens.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A browser's part in the REST API, with {@link HttpClient}: it keeps cookies, and signs in as a
 * test actor ({@link TestAccess#ACTOR_HEADER}). {@link #csrf()} reads the page's context once, as
 * the page does, and every change then carries its anti-forgery token.
 */
final class ApiClient {
  private final URI page;
  private final @Nullable String actor;
  private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
  private final HttpClient http;
  private @Nullable String csrf;

  ApiClient(URI page, @Nullable String actor) {
    this.page = page;
    this.actor = actor;
    this.http =
        HttpClient.newBuilder()
            .cookieHandler(cookies)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
  }

  /** An answer, its body as text. */
  record Answer(int status, HttpHeaders headers, String body) {
    Map<String, Object> json() {
      return Json.object(body);
    }

    @Nullable String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    @Nullable String code() {
      return (String) json().get("code");
    }

    @Nullable String message() {
      return (String) json().get("message");
    }

    /** The API's refusal: its HTTP status, its stable code and the words a person reads. */
    void assertRefused(int status, String code, String message) {
      org.assertj.core.api.Assertions.assertThat(status())
          .as("status of %s", this)
          .isEqualTo(status);
      org.assertj.core.api.Assertions.assertThat(code()).isEqualTo(code);
      org.assertj.core.api.Assertions.assertThat(message()).isEqualTo(message);
    }

    @Override
    public String toString() {
      return status + " " + body;
    }
  }

  /**
   * The anti-forgery token, from {@code GET api/context} on first use (which also sets its cookie).
   */
  String csrf() {
    if (csrf == null) {
      Answer context = get("api/context");
      if (context.status() != 200) {
        throw new IllegalStateException("no context: " + context);
      }
      csrf = (String) context.json().get("csrfToken");
    }
    return csrf;
  }

  /**
   * Sets an anti-forgery cookie and header of this client's own making, as any HTTP client (not a
   * browser on another site) can: the double-submitted token only asks that the two be equal.
   */
  void forgeCsrf() {
    csrf = "forged00.forged00.forged00.forged00.forged00.forged00";
    java.net.HttpCookie cookie = new java.net.HttpCookie("access-tokens-csrf", csrf);
    cookie.setPath(page.getPath());
    cookie.setVersion(0);
    cookies.getCookieStore().add(page, cookie);
  }

  Answer get(String path) {
    return send(request(path).GET());
  }

  Answer post(String path, @Nullable String json) {
    return send(change(path).POST(body(json)), json);
  }

  Answer put(String path, String json) {
    return send(change(path).PUT(body(json)), json);
  }

  Answer delete(String path) {
    return send(change(path).DELETE());
  }

  /**
   * A request to {@code path} (relative to the page), as this client's actor, without anti-forgery
   * token.
   */
  HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(page.resolve(path)).timeout(Duration.ofSeconds(30));
    if (actor != null) {
      builder.header(TestAccess.ACTOR_HEADER, actor);
    }
    return builder;
  }

  private HttpRequest.Builder change(String path) {
    return request(path).header("X-CSRF-Token", csrf());
  }

  private static HttpRequest.BodyPublisher body(@Nullable String json) {
    return json == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(json);
  }

  private Answer send(HttpRequest.Builder builder, @Nullable String json) {
    if (json != null) {
      builder.header("Content-Type", "application/json");
    }
    return send(builder);
  }

  Answer send(HttpRequest.Builder builder) {
    try {
      HttpResponse<String> response =
          http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The cookies this client holds for the page. */
  List<java.net.HttpCookie> cookies() {
    return cookies.getCookieStore().get(page);
  }
}
