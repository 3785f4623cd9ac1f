package io.accesstokens.web.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.accesstokens.AccessToken;
import io.accesstokens.Actor;
import io.accesstokens.CopyUnavailableException;
import io.accesstokens.DeleteOutcome;
import io.accesstokens.EnvironmentId;
import io.accesstokens.Expiry;
import io.accesstokens.IssuedToken;
import io.accesstokens.NotEntitledException;
import io.accesstokens.OrganizationId;
import io.accesstokens.PageCursor;
import io.accesstokens.PredecessorRetirement;
import io.accesstokens.Rotation;
import io.accesstokens.StoreUnavailableException;
import io.accesstokens.TokenConflictException;
import io.accesstokens.TokenId;
import io.accesstokens.TokenLimitExceededException;
import io.accesstokens.TokenNotFoundException;
import io.accesstokens.TokenPage;
import io.accesstokens.TokenQuery;
import io.accesstokens.TokenSecret;
import io.accesstokens.TokenService;
import io.accesstokens.TokenStatus;
import io.accesstokens.UnknownEnvironmentException;
import io.accesstokens.internal.Checks;
import io.accesstokens.internal.Descriptions;
import io.accesstokens.internal.Redaction;
import io.accesstokens.spi.EnvironmentDirectory;
import io.accesstokens.web.PageAccess;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongFunction;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@link io.accesstokens.web.AccessTokensServlet} does with a request: serve a file of the
 * page, or answer the REST API. The order of checks on the API is fixed: the address and method,
 * the anti-forgery token (changes), the signed-in actor, the organization, then the input; only
 * then is the token service called. Nothing here logs a request's address or body, which a user may
 * have pasted a token value into: log lines name the route, the organization, the token id and the
 * answer.
 */
public final class PageHandler {
  /** At most this much of a refused request's unread body is read before the answer. */
  private static final long DRAIN_LIMIT = 4L * JsonBody.MAX_BYTES;

  private static final Logger log =
      LoggerFactory.getLogger("io.accesstokens.web.AccessTokensServlet");

  /** The seed's note, word for word: the page shows it instead of itself. */
  public static final String NOT_ENTITLED_NOTE =
      "The Access Tokens page is available only in organizations with access to the Harmony EDI"
          + " application.";

  private static final String API = "/api/";
  private static final String JSON = "application/json;charset=UTF-8";
  private static final Set<String> CREATE_FIELDS = Set.of("environment", "description");
  private static final Set<String> DESCRIPTION_FIELDS = Set.of("description", "version");
  private static final Set<String> STATUS_FIELDS = Set.of("status", "version");
  private static final Set<String> ROTATE_FIELDS =
      Set.of("overlap", "expiresIn", "retirePredecessor");

  private static final Set<String> LIST_PARAMETERS =
      Set.of("environment", "status", "pageSize", "after");
  private static final Set<String> CONTEXT_PARAMETERS = Set.of("organization");

  private final TokenService service;
  private final EnvironmentDirectory environments;
  private final PageAccess access;
  private final int pageSize;
  private final AntiForgery antiForgery = new AntiForgery();
  private final Map<String, StaticFile> files;

  public PageHandler(
      TokenService service, EnvironmentDirectory environments, PageAccess access, int pageSize) {
    this.service = service;
    this.environments = environments;
    this.access = access;
    this.pageSize = pageSize;
    this.files =
        Map.of(
            "/", StaticFile.load("index.html", "text/html;charset=UTF-8"),
            "/assets/page.js", StaticFile.load("page.js", "text/javascript;charset=UTF-8"),
            "/assets/page.css", StaticFile.load("page.css", "text/css;charset=UTF-8"));
  }

  /** Where a request goes; {@link #name} is what a log line may say about it. */
  private enum Route {
    PAGE_FILE("page file", "GET", "HEAD"),
    CONTEXT("context", "GET"),
    TOKENS("tokens", "GET", "POST"),
    TOKEN("token", "GET", "DELETE"),
    COPY("copy", "POST"),
    DESCRIPTION("description", "PUT"),
    STATUS("status", "PUT"),
    ROTATE("rotate", "POST"),
    UNKNOWN("unknown");

    final String name;
    final List<String> methods;

    Route(String name, String... methods) {
      this.name = name;
      this.methods = List.of(methods);
    }
  }

  /**
   * A request to the API, split into its route and the path's organization and token id
   * (unchecked).
   */
  private record Target(Route route, @Nullable String organization, @Nullable String tokenId) {}

  public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
    SecurityHeaders.apply(response);
    String path = relativePath(request);
    if (path.isEmpty()) {
      // Mounted at /access-tokens/*, asked for /access-tokens: the page's relative addresses need
      // the slash.
      String query = request.getQueryString();
      response.sendRedirect(basePath(request) + (query == null ? "" : "?" + query));
      return;
    }
    if (!path.startsWith(API)) {
      servePageFile(request, response, path);
      return;
    }
    response.setHeader("Cache-Control", "no-store");
    Target target = target(path.substring(API.length()));
    String method = request.getMethod();
    try {
      if (target.route == Route.UNKNOWN) {
        throw new HttpProblem(
            Problem.NOT_FOUND, "There is nothing at this address of the access tokens API.");
      }
      if (!target.route.methods.contains(method)) {
        response.setHeader("Allow", String.join(", ", target.route.methods));
        throw new HttpProblem(
            Problem.METHOD_NOT_ALLOWED,
            "This address of the access tokens API takes "
                + String.join(" or ", target.route.methods)
                + ", not "
                + Redaction.quote(method, 20)
                + ".");
      }
      if (!method.equals("GET")) {
        antiForgery.check(request);
      }
      Actor actor =
          access
              .actor(request)
              .orElseThrow(
                  () ->
                      new HttpProblem(
                          Problem.UNAUTHENTICATED,
                          "You are not signed in, so the access tokens cannot be shown or changed."
                              + " Sign in, then reload this page."));
      if (target.route == Route.CONTEXT) {
        context(request, response, actor);
        return;
      }
      OrganizationId organization = organization(target.organization, "the address");
      authorize(actor, organization);
      answer(request, response, method, target, actor, organization);
    } catch (HttpProblem problem) {
      unreadBodyEndsTheConnection(request, response, method);
      writeProblem(response, problem.problem(), problem.getMessage(), target.route);
    } catch (RuntimeException e) {
      unreadBodyEndsTheConnection(request, response, method);
      writeFailure(response, e, target);
    }
  }

  /**
   * A refusal may come before the request's body was read (a change without its anti-forgery token
   * is refused unread). The container then drops the connection after the answer, and a client that
   * kept it for its next request finds it closed; so the answer says so itself.
   */
  private static void unreadBodyEndsTheConnection(
      HttpServletRequest request, HttpServletResponse response, String method) {
    if (!method.equals("GET") && !method.equals("HEAD")) {
      response.setHeader("Connection", "close");
      drainUnreadBody(request);
    }
  }

  /**
   * Reads what is left of a refused request's body (one refused for its type or its declared size
   * is refused unread), up to a bound. Closing a socket whose received data was never read makes
   * the kernel reset the connection, and on a busy machine the reset can reach the client before it
   * has read the answer, which it then never sees. A body beyond the bound is left: its connection
   * is closed anyway.
   */
  private static void drainUnreadBody(HttpServletRequest request) {
    try {
      InputStream in = request.getInputStream();
      byte[] buffer = new byte[8192];
      long left = DRAIN_LIMIT;
      int read;
      while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        left -= read;
      }
    } catch (IOException | IllegalStateException e) {
      // already read, closed, or taken as a reader: nothing of it is left unread by us
      log.debug("A refused request's body could not be drained: {}", e.toString());
    }
  }

  // ---- the API ---------------------------------------------------------------------------------

  private void answer(
      HttpServletRequest request,
      HttpServletResponse response,
      String method,
      Target target,
      Actor actor,
      OrganizationId organization)
      throws IOException {
    switch (target.route) {
      case TOKENS -> {
        if (method.equals("GET")) {
          list(request, response, organization);
        } else {
          create(request, response, actor, organization);
        }
      }
      case TOKEN -> {
        TokenId id = tokenId(target.tokenId);
        if (method.equals("GET")) {
          writeJson(response, 200, g -> row(g, service.get(organization, id)));
        } else {
          delete(response, actor, organization, id);
        }
      }
      case COPY -> {
        TokenId id = tokenId(target.tokenId);
        TokenSecret value = service.copy(organization, id, actor);
        writeJson(
            response,
            200,
            g -> {
              g.writeStartObject();
              g.writeStringField("value", value.reveal());
              g.writeEndObject();
            });
        log.debug("Answered copy of token {} in organization {}", id, organization);
      }
      case DESCRIPTION -> {
        TokenId id = tokenId(target.tokenId);
        JsonBody body = body(request, DESCRIPTION_FIELDS);
        if (!body.has("description")) {
          throw new HttpProblem(
              Problem.INVALID_REQUEST,
              "Field \"description\" is required (null or \"\" removes the description).");
        }
        String description = description(body.string("description"));
        writeChanged(
            response,
            body,
            () -> service.editDescription(organization, id, description, actor),
            version -> service.editDescription(organization, id, description, version, actor));
      }
      case ROTATE -> rotate(request, response, actor, organization, tokenId(target.tokenId));
      case STATUS -> {
        TokenId id = tokenId(target.tokenId);
        JsonBody body = body(request, STATUS_FIELDS);
        TokenStatus status = status(body.requiredString("status"), "field \"status\"");
        writeChanged(
            response,
            body,
            () -> service.setStatus(organization, id, status, actor),
            version -> service.setStatus(organization, id, status, version, actor));
      }
      default -> throw new IllegalStateException("unrouted " + target.route);
    }
  }

  /**
   * Applies a change and answers with the token's new row. With the version the page showed in the
   * body, the change is made only to that version ({@code atVersion}, a stale page gets a
   * conflict); without one, to whatever is stored ({@code unconditional}).
   */
  private static void writeChanged(
      HttpServletResponse response,
      JsonBody body,
      Supplier<AccessToken> unconditional,
      LongFunction<AccessToken> atVersion)
      throws IOException {
    long version = body.version();
    AccessToken changed = version < 0 ? unconditional.get() : atVersion.apply(version);
    writeJson(response, 200, g -> row(g, changed));
  }

  private void context(HttpServletRequest request, HttpServletResponse response, Actor actor)
      throws IOException {
    checkParameters(request, CONTEXT_PARAMETERS);
    List<OrganizationId> administered = new ArrayList<>();
    for (OrganizationId candidate : access.organizations(actor)) {
      if (!administered.contains(candidate) && access.isAdministrator(actor, candidate)) {
        administered.add(candidate);
      }
    }
    String named = single(request, "organization");
    OrganizationId organization;
    if (named != null) {
      organization = organization(named, "parameter \"organization\"");
      authorize(actor, organization);
    } else {
      OrganizationId current = access.currentOrganization(request, actor).orElse(null);
      if (current != null) {
        authorize(actor, current);
        organization = current;
      } else if (!administered.isEmpty()) {
        organization = administered.get(0);
      } else {
        throw new HttpProblem(
            Problem.NO_ORGANIZATION,
            "You are not an administrator of any organization, so there are no access tokens for"
                + " you to manage.");
      }
    }
    List<EnvironmentId> menu = environments.environments(organization);
    String csrf = antiForgery.tokenFor(request, response, basePath(request));
    writeJson(
        response,
        200,
        g -> {
          g.writeStartObject();
          g.writeStringField("actor", actor.name());
          g.writeStringField("organization", organization.value());
          g.writeArrayFieldStart("organizations");
          for (OrganizationId o : administered) {
            g.writeString(o.value());
          }
          g.writeEndArray();
          g.writeArrayFieldStart("environments");
          for (EnvironmentId e : menu) {
            g.writeString(e.value());
          }
          g.writeEndArray();
          g.writeNumberField("pageSize", pageSize);
          g.writeStringField("csrfToken", csrf);
          g.writeEndObject();
        });
  }

  private void list(
      HttpServletRequest request, HttpServletResponse response, OrganizationId organization)
      throws IOException {
    checkParameters(request, LIST_PARAMETERS);
    TokenQuery query = TokenQuery.all().pageSize(pageSize);
    String environment = single(request, "environment");
    if (environment != null && !environment.isEmpty()) {
      query = query.inEnvironment(environment(environment, "parameter \"environment\""));
    }
    String status = single(request, "status");
    if (status != null && !status.isEmpty()) {
      query = query.withStatus(status(status, "parameter \"status\""));
    }
    String size = single(request, "pageSize");
    if (size != null) {
      query = query.pageSize(pageSizeOf(size));
    }
    String after = single(request, "after");
    if (after != null && !after.isEmpty()) {
      query = query.after(cursor(after));
    }
    TokenPage page = service.list(organization, query);
    writeJson(
        response,
        200,
        g -> {
          g.writeStartObject();
          g.writeArrayFieldStart("tokens");
          for (AccessToken token : page.tokens()) {
            row(g, token);
          }
          g.writeEndArray();
          PageCursor next = page.next();
          if (next == null) {
            g.writeNullField("next");
          } else {
            g.writeStringField("next", encodeCursor(next));
          }
          g.writeEndObject();
        });
  }

  private void create(
      HttpServletRequest request,
      HttpServletResponse response,
      Actor actor,
      OrganizationId organization)
      throws IOException {
    JsonBody body = body(request, CREATE_FIELDS);
    EnvironmentId environment =
        environment(body.requiredString("environment"), "field \"environment\"");
    String description = description(body.string("description"));
    IssuedToken issued = service.create(organization, environment, description, actor);
    writeIssued(request, response, organization, issued, g -> {});
  }

  /**
   * 201 Created for a token just issued: its address, then its row and its value (which this answer
   * shows once), then what {@code more} adds to the object.
   */
  private static void writeIssued(
      HttpServletRequest request,
      HttpServletResponse response,
      OrganizationId organization,
      IssuedToken issued,
      JsonWriter more)
      throws IOException {
    response.setHeader(
        "Location",
        basePath(request) + "api/organizations/" + organization.value() + "/tokens/" + issued.id());
    writeJson(
        response,
        201,
        g -> {
          g.writeStartObject();
          g.writeFieldName("token");
          row(g, issued.token());
          g.writeStringField("value", issued.value().reveal());
          more.write(g);
          g.writeEndObject();
        });
  }

  /**
   * Rotate: the successor's row and value, shown by this answer once as by create, and the
   * predecessor's row with its new expiry (the end of the overlap).
   */
  private void rotate(
      HttpServletRequest request,
      HttpServletResponse response,
      Actor actor,
      OrganizationId organization,
      TokenId id)
      throws IOException {
    JsonBody body = body(request, ROTATE_FIELDS);
    Duration overlap = duration(body.requiredString("overlap"), "overlap", true);
    String expiresIn = body.string("expiresIn");
    Expiry expiry =
        expiresIn == null || expiresIn.isEmpty()
            ? Expiry.never()
            : Expiry.after(duration(expiresIn, "expiresIn", false));
    String retireText = body.string("retirePredecessor");
    PredecessorRetirement retirement =
        retireText == null ? PredecessorRetirement.END_OF_OVERLAP : retirement(retireText);
    Rotation rotation = service.rotate(organization, id, overlap, expiry, retirement, actor);
    writeIssued(
        request,
        response,
        organization,
        rotation.successor(),
        g -> {
          g.writeFieldName("predecessor");
          row(g, rotation.predecessor());
        });
    log.debug("Answered rotation of token {} in organization {}", id, organization);
  }

  /**
   * A field holding an ISO-8601 duration ({@code P7D}, {@code PT12H}, {@code PT0S}): zero or more
   * when {@code zeroAllowed}, else more than zero. Never quoted whole: a value pasted there is
   * described, not echoed.
   */
  private static Duration duration(String text, String field, boolean zeroAllowed) {
    try {
      Duration duration = Duration.parse(text);
      if (!duration.isNegative() && (zeroAllowed || !duration.isZero())) {
        return duration;
      }
    } catch (java.time.format.DateTimeParseException e) {
      // the one message below
    }
    throw new HttpProblem(
        Problem.INVALID_REQUEST,
        "Field \""
            + field
            + "\" must be an ISO-8601 duration of "
            + (zeroAllowed ? "zero or more" : "more than zero")
            + (zeroAllowed ? " (PT0S, P1D, P7D)" : " (P30D, P90D)")
            + ", but was "
            + Redaction.quote(text, 20)
            + ".");
  }

  private void delete(
      HttpServletResponse response, Actor actor, OrganizationId organization, TokenId id) {
    if (service.delete(organization, id, actor) == DeleteOutcome.ALREADY_ABSENT) {
      throw new TokenNotFoundException(organization, id);
    }
    response.setStatus(204);
  }

  private void authorize(Actor actor, OrganizationId organization) {
    if (!access.organizations(actor).contains(organization)) {
      throw new HttpProblem(
          Problem.ORGANIZATION_FORBIDDEN,
          "You may not manage the access tokens of organization " + quote(organization) + ".");
    }
    if (!access.isAdministrator(actor, organization)) {
      throw new HttpProblem(
          Problem.NOT_ADMINISTRATOR,
          "Only administrators of organization "
              + quote(organization)
              + " can manage its access tokens.");
    }
  }

  // ---- input
  // -------------------------------------------------------------------------------------

  private static OrganizationId organization(@Nullable String text, String where) {
    if (text == null || !isIdentifier(text)) {
      throw notAnIdentifier("organization", where, text);
    }
    return OrganizationId.of(text);
  }

  /**
   * An organization or environment id's rule, and not token-shaped: a value pasted where an id goes
   * passes the id's character rule (letters, digits, "_"), and must be refused without being
   * quoted.
   */
  private static boolean isIdentifier(String text) {
    return Checks.isIdentifier(text) && !Redaction.isTokenShaped(text);
  }

  /** The refusal of {@code text} as the id of the {@code what} given in {@code where}. */
  private static HttpProblem notAnIdentifier(String what, String where, @Nullable String text) {
    return new HttpProblem(
        Problem.INVALID_REQUEST,
        "The "
            + what
            + " in "
            + where
            + " must be 1 to 128 letters, digits or . _ : @ - starting with a letter or digit,"
            + " but was "
            + Redaction.quote(text, 40)
            + ".");
  }

  private static EnvironmentId environment(String text, String where) {
    if (!isIdentifier(text)) {
      throw notAnIdentifier("environment", where, text);
    }
    return EnvironmentId.of(text);
  }

  private static TokenId tokenId(@Nullable String text) {
    try {
      return TokenId.parse(Checks.notNull(text, "token id"));
    } catch (IllegalArgumentException e) {
      // Never quoted: a token value pasted where an id goes starts with the id's characters.
      throw new HttpProblem(
          Problem.INVALID_REQUEST,
          "The token id in the address must be "
              + TokenId.LENGTH
              + " letters and digits (the id of a row, not a token value), but was "
              + Redaction.describe(text)
              + ".");
    }
  }

  private static PredecessorRetirement retirement(String text) {
    return oneOf(
        text,
        "The field \"retirePredecessor\"",
        List.of(PredecessorRetirement.END_OF_OVERLAP, PredecessorRetirement.FIRST_USE));
  }

  private static TokenStatus status(String text, String where) {
    return oneOf(text, "The status in " + where, List.of(TokenStatus.ACTIVE, TokenStatus.INACTIVE));
  }

  /**
   * The choice whose name {@code text} is, in any case; anything else is refused with a message
   * that {@code what} must be one of them, quoting no more than 20 characters of the text.
   */
  private static <E extends Enum<E>> E oneOf(String text, String what, List<E> choices) {
    String name = text.toUpperCase(Locale.ROOT);
    for (E choice : choices) {
      if (choice.name().equals(name)) {
        return choice;
      }
    }
    throw new HttpProblem(
        Problem.INVALID_REQUEST,
        what
            + " must be "
            + String.join(" or ", choices.stream().map(Enum::name).toList())
            + ", but was "
            + Redaction.quote(text, 20)
            + ".");
  }

  private static int pageSizeOf(String text) {
    try {
      int size = Integer.parseInt(text);
      if (size >= 1 && size <= TokenQuery.MAX_PAGE_SIZE) {
        return size;
      }
    } catch (NumberFormatException e) {
      // the one message below
    }
    throw new HttpProblem(
        Problem.INVALID_REQUEST,
        "Parameter \"pageSize\" must be a whole number from 1 to "
            + TokenQuery.MAX_PAGE_SIZE
            + ", but was "
            + Redaction.quote(text, 20)
            + ".");
  }

  /**
   * The API's cursor: the last row's creation time in epoch microseconds and its id, joined by a
   * dot. Not {@link PageCursor#encode()}: its Base64 text is a long run of letters and digits, the
   * shape of a secret to every scanner that watches what a page answers.
   */
  static String encodeCursor(PageCursor cursor) {
    return ChronoUnit.MICROS.between(Instant.EPOCH, cursor.createdAt()) + "." + cursor.id();
  }

  static PageCursor cursor(String text) {
    int dot = text.indexOf('.');
    if (dot > 0 && dot < 20 && text.length() == dot + 1 + TokenId.LENGTH) {
      try {
        long micros = Long.parseLong(text.substring(0, dot));
        if (micros >= 0) {
          return new PageCursor(
              Instant.EPOCH.plus(micros, ChronoUnit.MICROS),
              TokenId.parse(text.substring(dot + 1)));
        }
      } catch (IllegalArgumentException | ArithmeticException | java.time.DateTimeException e) {
        // the one message below
      }
    }
    throw new HttpProblem(
        Problem.INVALID_REQUEST,
        "Parameter \"after\" must be the \"next\" cursor of a list answer,"
            + " but was "
            + Redaction.describe(text)
            + ".");
  }

  private static @Nullable String description(@Nullable String text) {
    // Before the library's own check, which refuses the same text, to say it in the page's words.
    if (text != null && Redaction.isTokenShaped(text)) {
      throw new HttpProblem(
          Problem.INVALID_DESCRIPTION,
          "The description looks like a token value (or a piece of"
              + " one), and a token value must never be kept as a description: remove it.");
    }
    try {
      return Descriptions.normalize(text);
    } catch (IllegalArgumentException e) {
      throw new HttpProblem(
          Problem.INVALID_DESCRIPTION, safeMessage(e, "The description is not valid."));
    }
  }

  private static JsonBody body(HttpServletRequest request, Set<String> fields) throws IOException {
    String type = request.getContentType();
    if (type == null
        || !type.toLowerCase(Locale.ROOT).strip().matches("application/json\\s*(;.*)?")) {
      throw new HttpProblem(
          Problem.UNSUPPORTED_MEDIA_TYPE,
          "The request body must be JSON, sent with Content-Type: application/json.");
    }
    if (request.getContentLengthLong() > JsonBody.MAX_BYTES) {
      throw tooLarge();
    }
    try (InputStream in = request.getInputStream()) {
      byte[] bytes = in.readNBytes(JsonBody.MAX_BYTES + 1);
      if (bytes.length > JsonBody.MAX_BYTES) {
        throw tooLarge();
      }
      return JsonBody.parse(bytes, fields);
    }
  }

  private static HttpProblem tooLarge() {
    return new HttpProblem(
        Problem.REQUEST_TOO_LARGE,
        "The request body is larger than "
            + JsonBody.MAX_BYTES / 1024
            + " KiB, more than any request of this API needs.");
  }

  private static void checkParameters(HttpServletRequest request, Set<String> allowed) {
    for (Enumeration<String> names = request.getParameterNames(); names.hasMoreElements(); ) {
      String name = names.nextElement();
      if (!allowed.contains(name)) {
        throw new HttpProblem(
            Problem.INVALID_REQUEST,
            "Unknown parameter "
                + Redaction.quote(name, 40)
                + "; this address takes "
                + String.join(", ", allowed.stream().sorted().toList())
                + ".");
      }
    }
  }

  private static @Nullable String single(HttpServletRequest request, String name) {
    String[] values = request.getParameterValues(name);
    if (values == null) {
      return null;
    }
    if (values.length > 1) {
      throw new HttpProblem(
          Problem.INVALID_REQUEST, "Parameter \"" + name + "\" was given more than once.");
    }
    return values[0];
  }

  // ---- answers
  // -----------------------------------------------------------------------------------

  private void writeFailure(HttpServletResponse response, RuntimeException e, Target target)
      throws IOException {
    if (e instanceof NotEntitledException) {
      writeProblem(response, Problem.NOT_ENTITLED, NOT_ENTITLED_NOTE, target.route);
    } else if (e instanceof TokenNotFoundException notFound) {
      writeProblem(
          response,
          Problem.TOKEN_NOT_FOUND,
          "There is no access token "
              + notFound.tokenId()
              + " in organization "
              + quote(notFound.organization())
              + ": it was deleted, or never existed.",
          target.route);
    } else if (e instanceof TokenConflictException conflict && target.route == Route.ROTATE) {
      String why = conflict.notRotatableReason();
      writeProblem(
          response,
          Problem.NOT_ROTATABLE,
          why == null || Redaction.mayHoldSecret(why)
              ? "Access token "
                  + target.tokenId
                  + " was changed while it was being rotated (by someone else, or in another"
                  + " tab), so it was not rotated. The page now shows the token as it is; rotate"
                  + " it again if it is still needed."
              : "Access token "
                  + target.tokenId
                  + " cannot be rotated: "
                  + why
                  + ". Nothing was changed.",
          target.route);
    } else if (e instanceof TokenConflictException) {
      writeProblem(
          response,
          Problem.VERSION_CONFLICT,
          "Access token "
              + target.tokenId
              + " was changed after you loaded it (by someone else, or in another tab), so your"
              + " change was not saved. The page now shows the token as it is; make your change"
              + " again if it is still needed.",
          target.route);
    } else if (e instanceof TokenLimitExceededException limit) {
      writeProblem(
          response,
          Problem.TOKEN_LIMIT_REACHED,
          "Organization "
              + quote(limit.organization())
              + " already has "
              + limit.limit()
              + (limit.limit() == 1 ? " access token" : " access tokens")
              + ", as many as it may have (inactive tokens count too), so no token was added."
              + " Delete a token you no longer need to add another.",
          target.route);
    } else if (e instanceof UnknownEnvironmentException) {
      writeProblem(
          response,
          Problem.UNKNOWN_ENVIRONMENT,
          "That environment is not one of organization "
              + quote(OrganizationId.of(Checks.notNull(target.organization, "organization")))
              + "'s environments; choose one from the menu.",
          target.route);
    } else if (e instanceof CopyUnavailableException) {
      writeProblem(
          response,
          Problem.COPY_UNAVAILABLE,
          safeMessage(e, "The value of this token cannot be copied on this server."),
          target.route);
    } else if (e instanceof StoreUnavailableException) {
      log.warn("The token store did not answer a {} request", target.route.name, e);
      writeProblem(
          response,
          Problem.STORE_UNAVAILABLE,
          "The token store did not answer. A change may or may not"
              + " have been saved: reload the page to see, then try again.",
          target.route);
    } else if (e instanceof IllegalArgumentException) {
      writeProblem(
          response,
          Problem.INVALID_REQUEST,
          safeMessage(e, "The request was refused by a rule of the token service."),
          target.route);
    } else {
      log.error("A {} request failed", target.route.name, e);
      writeProblem(
          response,
          Problem.INTERNAL_ERROR,
          "The server failed to handle this request. Its log has the details.",
          target.route);
    }
  }

  /** The exception's message as a sentence, or {@code fallback} if it could hold a secret. */
  private static String safeMessage(RuntimeException e, String fallback) {
    String message = e.getMessage();
    if (message == null || message.isBlank() || Redaction.mayHoldSecret(message)) {
      return fallback;
    }
    return JsonBody.capitalized(message);
  }

  private static String quote(OrganizationId organization) {
    return Redaction.quote(organization.value(), 128);
  }

  private void writeProblem(
      HttpServletResponse response, Problem problem, @Nullable String message, Route route)
      throws IOException {
    log.debug("Answered a {} request with {} {}", route.name, problem.status(), problem);
    writeJson(
        response,
        problem.status(),
        g -> {
          g.writeStartObject();
          g.writeStringField("code", problem.name());
          g.writeStringField("message", message == null ? problem.name() : message);
          g.writeEndObject();
        });
  }

  private interface JsonWriter {
    void write(JsonGenerator generator) throws IOException;
  }

  /** Writes the whole answer into memory first, so a failure halfway never sends half an answer. */
  private static void writeJson(HttpServletResponse response, int status, JsonWriter writer)
      throws IOException {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    try (JsonGenerator generator = JsonBody.FACTORY.createGenerator(buffer)) {
      writer.write(generator);
    }
    response.setStatus(status);
    response.setContentType(JSON);
    response.setContentLength(buffer.size());
    buffer.writeTo(response.getOutputStream());
  }

  private static void row(JsonGenerator g, AccessToken token) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", token.id().toString());
    g.writeStringField("token", token.maskedValue());
    g.writeStringField("status", token.status().name());
    g.writeStringField("environment", token.environment().value());
    if (token.description() == null) {
      g.writeNullField("description");
    } else {
      g.writeStringField("description", token.description());
    }
    g.writeStringField("scope", token.scope().name());
    g.writeStringField("createdAt", token.createdAt().toString());
    g.writeStringField("updatedAt", token.updatedAt().toString());
    // The page's Expires column: when, or null for never; "expired" by this server's clock.
    java.time.Instant expiresAt = token.expiresAt();
    if (expiresAt == null) {
      g.writeNullField("expiresAt");
    } else {
      g.writeStringField("expiresAt", expiresAt.toString());
    }
    g.writeBooleanField("expired", token.isExpiredAt(java.time.Instant.now()));
    // The page's Last used column: when a validator last accepted it (as flushed), or null.
    java.time.Instant lastUsedAt = token.lastUsedAt();
    if (lastUsedAt == null) {
      g.writeNullField("lastUsedAt");
    } else {
      g.writeStringField("lastUsedAt", lastUsedAt.toString());
    }
    // And where that use came from, if the validating host passed it (printable ASCII), or null.
    io.accesstokens.ConnectionSource lastUsedFrom = token.lastUsedFrom();
    if (lastUsedFrom == null) {
      g.writeNullField("lastUsedFrom");
    } else {
      g.writeStringField("lastUsedFrom", lastUsedFrom.address());
    }
    // The page's Rotated from column: the predecessor's id and masked form, or null.
    TokenId rotatedFrom = token.rotatedFrom();
    if (rotatedFrom == null) {
      g.writeNullField("rotatedFrom");
    } else {
      g.writeObjectFieldStart("rotatedFrom");
      g.writeStringField("id", rotatedFrom.toString());
      g.writeStringField("token", io.accesstokens.internal.TokenFormat.mask(rotatedFrom));
      g.writeEndObject();
    }
    g.writeNumberField("version", token.version());
    g.writeEndObject();
  }

  // ---- the page's files and addresses ----------------------------------------------------------

  private void servePageFile(HttpServletRequest request, HttpServletResponse response, String path)
      throws IOException {
    StaticFile file = files.get(path);
    if (file == null) {
      response.setHeader("Cache-Control", "no-store");
      writeProblem(
          response,
          Problem.NOT_FOUND,
          "There is nothing at this address of the access tokens page.",
          Route.PAGE_FILE);
      return;
    }
    String method = request.getMethod();
    if (!Route.PAGE_FILE.methods.contains(method)) {
      response.setHeader("Allow", "GET, HEAD");
      response.setHeader("Cache-Control", "no-store");
      writeProblem(
          response,
          Problem.METHOD_NOT_ALLOWED,
          "The page's files take GET or HEAD.",
          Route.PAGE_FILE);
      return;
    }
    response.setHeader("Cache-Control", "no-cache");
    response.setContentType(file.contentType());
    response.setContentLength(file.bytes().length);
    if (method.equals("GET")) {
      response.getOutputStream().write(file.bytes());
    }
  }

  /**
   * The request's path below the servlet's mapping: "" for the mount point itself, else from "/".
   */
  private static String relativePath(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    if (mapping != null && mapping.getMappingMatch() == MappingMatch.DEFAULT) {
      return request.getServletPath();
    }
    String info = request.getPathInfo();
    return info == null ? "" : info;
  }

  /** The absolute path of the page, ending in "/": the mount point. */
  private static String basePath(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    boolean atRoot = mapping != null && mapping.getMappingMatch() == MappingMatch.DEFAULT;
    return request.getContextPath() + (atRoot ? "" : request.getServletPath()) + "/";
  }

  private static Target target(String apiPath) {
    String[] parts = apiPath.split("/", -1);
    if (parts.length == 1 && parts[0].equals("context")) {
      return new Target(Route.CONTEXT, null, null);
    }
    if (parts.length >= 3
        && parts.length <= 5
        && parts[0].equals("organizations")
        && parts[2].equals("tokens")) {
      String organization = parts[1];
      return switch (parts.length) {
        case 3 -> new Target(Route.TOKENS, organization, null);
        case 4 -> new Target(Route.TOKEN, organization, parts[3]);
        default ->
            switch (parts[4]) {
              case "copy" -> new Target(Route.COPY, organization, parts[3]);
              case "description" -> new Target(Route.DESCRIPTION, organization, parts[3]);
              case "status" -> new Target(Route.STATUS, organization, parts[3]);
              case "rotate" -> new Target(Route.ROTATE, organization, parts[3]);
              default -> new Target(Route.UNKNOWN, null, null);
            };
      };
    }
    return new Target(Route.UNKNOWN, null, null);
  }

  @Override
  public String toString() {
    return "page size " + pageSize + ", " + service;
  }
}
