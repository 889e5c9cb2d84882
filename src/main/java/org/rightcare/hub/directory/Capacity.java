package org.rightcare.hub.directory;

import java.time.Instant;

/**
 * What a service says it can take now, as the NHS Directory of Services has it: a RAG status and, optionally, a
 * count of places.
 *
 * @param places null when the service does not count places
 * @param updatedAt when the service (or an administrator) last said so; null when it never has
 */
public record Capacity(Rag rag, Integer places, Instant updatedAt) {

    public enum Rag {
        /** Taking referrals. */
        GREEN,
        /** Under pressure but taking referrals. */
        AMBER,
        /** Not taking referrals. */
        RED
    }

    /** A service that has never said anything about its capacity. */
    public static Capacity unknown() {
        return new Capacity(Rag.GREEN, null, null);
    }

    public boolean hasRoom() {
        return rag != Rag.RED && (places == null || places > 0);
    }
}
