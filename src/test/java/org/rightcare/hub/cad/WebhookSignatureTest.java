package org.rightcare.hub.cad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static final byte[] BODY = "{}".getBytes(StandardCharsets.UTF_8);

    @Test
    void signsTheTimestampDotRawBodyWithHmacSha256() {
        // Known answer, computed independently: printf '1700000000.{}' | openssl dgst -sha256 -hmac secret
        assertEquals("t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163",
                WebhookSignature.sign("secret", Instant.ofEpochSecond(1_700_000_000L), BODY));
    }

    @Test
    void matchesOnlyTheSecretAndBytesThatWereSigned() {
        WebhookSignature.Parsed parsed = WebhookSignature
                .parse(WebhookSignature.sign("secret", Instant.ofEpochSecond(1_700_000_000L), BODY)).orElseThrow();
        assertTrue(WebhookSignature.matches(parsed, "secret", BODY));
        assertFalse(WebhookSignature.matches(parsed, "other", BODY));
        assertFalse(WebhookSignature.matches(parsed, "secret", "{ }".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void isFreshOnlyWithinThreeHundredSeconds() {
        WebhookSignature.Parsed parsed = WebhookSignature
                .parse(WebhookSignature.sign("secret", Instant.ofEpochSecond(1_700_000_000L), BODY)).orElseThrow();
        assertTrue(WebhookSignature.isFresh(parsed, Instant.ofEpochSecond(1_700_000_300L)));
        assertTrue(WebhookSignature.isFresh(parsed, Instant.ofEpochSecond(1_699_999_700L)));
        assertFalse(WebhookSignature.isFresh(parsed, Instant.ofEpochSecond(1_700_000_301L)));
        assertFalse(WebhookSignature.isFresh(parsed, Instant.ofEpochSecond(1_699_999_699L)));
    }

    @Test
    void ignoresUnknownSchemesButNeedsATimestampAndAV1() {
        assertTrue(WebhookSignature.parse("t=1,v0=abc,v1=" + "a".repeat(64)).isPresent());
        assertFalse(WebhookSignature.parse("t=1,v0=abc").isPresent());
        assertFalse(WebhookSignature.parse("v1=" + "a".repeat(64)).isPresent());
        assertFalse(WebhookSignature.parse("t=1,t=2,v1=" + "a".repeat(64)).isPresent());
        assertFalse(WebhookSignature.parse(null).isPresent());
    }
}
