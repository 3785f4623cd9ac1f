package io.accesstokens.web.internal;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The headers every answer of the page carries, whatever it is: the page, a file, JSON, an error.
 */
public final class SecurityHeaders {
  private SecurityHeaders() {}

  /**
   * Scripts, styles, images and requests from the page's own origin only; no inline script or
   * style, no plugins, no forms that navigate (the page's forms are handled by its script), no
   * framing.
   */
  public static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

  public static void apply(HttpServletResponse response) {
    response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.setHeader("X-Frame-Options", "DENY");
    response.setHeader("X-Content-Type-Options", "nosniff");
    response.setHeader("Referrer-Policy", "no-referrer");
    response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
    response.setHeader("Cross-Origin-Resource-Policy", "same-origin");
  }
}
