package io.accesstokens.web.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** A file of the page, read from this jar once, when the servlet is built. */
public record StaticFile(byte[] bytes, String contentType) {
  private static final String ROOT = "/io/accesstokens/web/page/";

  /**
   * @throws IllegalStateException if the jar lacks the file (a broken build)
   */
  public static StaticFile load(String name, String contentType) {
    try (InputStream in = StaticFile.class.getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("the page's file " + name + " is missing from the jar");
      }
      return new StaticFile(in.readAllBytes(), contentType);
    } catch (IOException e) {
      throw new UncheckedIOException("the page's file " + name + " could not be read", e);
    }
  }
}
