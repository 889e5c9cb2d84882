package org.rightcare.hub.cad;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The CAD contract's signature, {@code X-Hub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>},
 * for both directions: verifying what a CAD posts and signing what the hub calls back.
 */
public final class WebhookSignature {

    public static final String HEADER = "X-Hub-Signature";

    /** How far the signature's timestamp may be from the hub's clock, either way, before a request is refused. */
    public static final Duration TOLERANCE = Duration.ofSeconds(300);

    /**
     * One Mac per thread, initialised afresh with each call's secret: {@code Mac.getInstance} searches the security
     * providers on every call, which was half the cost of checking a CAD event's signature.
     */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
        }
    });

    private WebhookSignature() {
    }

    /** The header value for a body signed with one secret at a given time. */
    public static String sign(String secret, Instant at, byte[] body) {
        long t = at.getEpochSecond();
        return "t=" + t + ",v1=" + HexFormat.of().formatHex(hmac(secret, t, body));
    }

    /** A parsed header: the timestamp and every {@code v1} signature it carries (several during a rotation). */
    public record Parsed(long timestamp, List<byte[]> signatures) {
    }

    /** Empty when the header is absent or not of the form above. */
    public static Optional<Parsed> parse(String header) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                return Optional.empty();
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            try {
                if (key.equals("t")) {
                    if (timestamp != null) {
                        return Optional.empty();
                    }
                    timestamp = Long.parseLong(value);
                } else if (key.equals("v1")) {
                    if (value.length() != 64) {
                        return Optional.empty();
                    }
                    signatures.add(HexFormat.of().parseHex(value));
                }
                // Other schemes (v0, v2 ...) are ignored, as webhook receivers conventionally do.
            } catch (IllegalArgumentException malformed) {
                return Optional.empty();
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Parsed(timestamp, signatures));
    }

    /** Whether the timestamp is within {@link #TOLERANCE} of {@code now}. */
    public static boolean isFresh(Parsed parsed, Instant now) {
        // Compared without subtracting: a hostile t near Long.MIN_VALUE must not overflow into "fresh".
        long t = parsed.timestamp();
        return t >= now.getEpochSecond() - TOLERANCE.toSeconds() && t <= now.getEpochSecond() + TOLERANCE.toSeconds();
    }

    /** Whether any of the header's signatures is the HMAC of the body with this secret (constant-time compare). */
    public static boolean matches(Parsed parsed, String secret, byte[] body) {
        byte[] expected = hmac(secret, parsed.timestamp(), body);
        boolean match = false;
        for (byte[] candidate : parsed.signatures()) {
            match |= MessageDigest.isEqual(expected, candidate);
        }
        return match;
    }

    private static byte[] hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = MAC.get();
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("Any secret is an HmacSHA256 key", e);
        }
    }
}
