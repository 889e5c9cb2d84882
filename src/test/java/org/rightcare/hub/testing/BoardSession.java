package org.rightcare.hub.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A person at the hub board, as a browser without JavaScript would be: it follows redirects and keeps cookies, so it
 * signs in through the demo OIDC provider by the authorisation code flow, choosing a demo user on its page.
 */
public final class BoardSession {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private final URI base;
    private final HttpClient http;

    private BoardSession(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** Opens the board and signs in as the demo user with this id ({@code team-<ODS>}, {@code hub-clinician}). */
    public static BoardSession signIn(URI base, String demoUser) {
        BoardSession session = new BoardSession(base);
        HttpResponse<String> chooser = session.get("/board");
        if (!chooser.uri().getPath().equals("/demo/oidc/authorize")) {
            throw new AssertionError("expected the demo provider's sign-in page, got " + chooser.uri());
        }
        Matcher link = Pattern.compile("href=\"([^\"]*user=" + Pattern.quote(demoUser) + "&amp;[^\"]*)\"")
                .matcher(chooser.body());
        if (!link.find()) {
            throw new AssertionError("no demo user " + demoUser + " on the sign-in page");
        }
        HttpResponse<String> board = session.get(link.group(1).replace("&amp;", "&"));
        if (board.statusCode() != 200 || !board.uri().getPath().equals("/board")) {
            throw new AssertionError("sign-in did not land on the board: " + board.statusCode() + " " + board.uri());
        }
        return session;
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().build());
    }

    public HttpResponse<String> post(String path, String form) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    }

    /** The CSRF token of the first form on a page. */
    public static String csrf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no form with a CSRF token on the page");
        }
        return m.group(1);
    }

    public static String form(String... namesAndValues) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            form.append(form.isEmpty() ? "" : "&").append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
