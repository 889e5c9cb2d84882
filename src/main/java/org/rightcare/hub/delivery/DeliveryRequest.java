package org.rightcare.hub.delivery;

import java.net.URI;
import java.util.Map;

/** One HTTP POST, ready to send: the exact body bytes and the headers (signatures) made for them. */
public record DeliveryRequest(URI url, String contentType, byte[] body, Map<String, String> headers) {
}
