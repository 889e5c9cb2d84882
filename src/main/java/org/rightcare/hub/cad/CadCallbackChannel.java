package org.rightcare.hub.cad;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import org.rightcare.hub.delivery.DeliveryChannel;
import org.rightcare.hub.delivery.DeliveryRequest;
import org.rightcare.hub.delivery.OutboxEntry;
import org.rightcare.hub.delivery.UndeliverableException;

/**
 * CAD callbacks on the wire: the stored body as it is, signed at send time with the CAD system's current secret
 * ({@code X-Hub-Signature}, as inbound), so a retry hours later carries a fresh timestamp and survives a secret
 * rotation.
 */
@ApplicationScoped
public class CadCallbackChannel implements DeliveryChannel {

    public static final String NAME = "cad-callback";

    private final CadSystemRegistry cadSystems;
    private final Clock clock;

    public CadCallbackChannel(CadSystemRegistry cadSystems, Clock clock) {
        this.cadSystems = cadSystems;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DeliveryRequest requestFor(OutboxEntry entry) throws UndeliverableException {
        String cadSystem = entry.destination();
        if (!cadSystems.isKnown(cadSystem)) {
            throw new UndeliverableException(notConfigured(cadSystem));
        }
        // A row written without a URL is dead from the start; if an operator replays it after configuring the
        // CAD system's callback-url, that URL is used.
        URI url = entry.url() != null ? entry.url()
                : cadSystems.defaultCallbackUrl(cadSystem).orElseThrow(() -> new UndeliverableException(noUrl(cadSystem)));
        byte[] body = entry.payload().getBytes(StandardCharsets.UTF_8);
        String signature = WebhookSignature.sign(cadSystems.signingSecret(cadSystem), clock.instant(), body);
        return new DeliveryRequest(url, entry.contentType(), body, Map.of(WebhookSignature.HEADER, signature));
    }

    @Override
    public boolean serves(String destination) {
        return cadSystems.isKnown(destination);
    }

    static String noUrl(String cadSystem) {
        return "No callback URL: the incident named no callbackUrl and hub.cad.systems.\"" + cadSystem
                + "\".callback-url is not set";
    }

    static String notConfigured(String cadSystem) {
        return "CAD system " + cadSystem + " is not configured (hub.cad.systems.\"" + cadSystem + "\")";
    }
}
