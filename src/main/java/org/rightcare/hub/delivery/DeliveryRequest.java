package org.rightcare.hub.delivery;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

/** One HTTP POST, ready to send: the exact body bytes and the headers (signatures) made for them. */
public record DeliveryRequest(URI url, String contentType, byte[] body, Map<String, String> headers) {

    /** This request with one more header; a null value leaves it as it is. */
    public DeliveryRequest withHeader(String name, String value) {
        if (value == null) {
            return this;
        }
        Map<String, String> more = new HashMap<>(headers);
        more.put(name, value);
        return new DeliveryRequest(url, contentType, body, Map.copyOf(more));
    }
}
