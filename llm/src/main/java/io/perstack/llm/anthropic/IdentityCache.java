package io.perstack.llm.anthropic;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Values derived from immutable objects, looked up by the object's identity and dropped once the object is
 * garbage-collected. Thread-safe: one client serves concurrent jobs.
 *
 * <p>Weak identity keys rather than "the messages of the latest request": a client is shared by every job (and
 * delegate) using the same provider settings, so a single latest-request map would thrash between concurrent
 * conversations, while weak keys keep each live history's entries and let a finished job's go with its messages.
 */
final class IdentityCache<K, V> {
    private final ConcurrentHashMap<Key, V> map = new ConcurrentHashMap<>();
    private final ReferenceQueue<Object> collected = new ReferenceQueue<>();

    /** The value for {@code key}, computed (outside any lock) on first use. */
    V get(K key, Function<? super K, ? extends V> compute) {
        expunge();
        V value = map.get(new Key(key, null));
        if (value != null) {
            return value;
        }
        V fresh = compute.apply(key);
        V raced = map.putIfAbsent(new Key(key, collected), fresh);
        return raced != null ? raced : fresh;
    }

    int size() {
        expunge();
        return map.size();
    }

    private void expunge() {
        Reference<?> ref;
        while ((ref = collected.poll()) != null) {
            map.remove(ref);
        }
    }

    /** Equal to another key for the same live referent; a cleared key is equal only to itself. */
    private static final class Key extends WeakReference<Object> {
        private final int hash;

        Key(Object referent, ReferenceQueue<Object> queue) {
            super(referent, queue);
            this.hash = System.identityHashCode(referent);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            if (this == other) {
                return true;
            }
            Object referent = get();
            return referent != null && other instanceof Key k && k.get() == referent;
        }
    }
}
