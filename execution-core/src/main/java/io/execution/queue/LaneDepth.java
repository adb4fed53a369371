package io.execution.queue;

/**
 * How many requests wait in one lane of a queue (a priority, a fairness key, a requirement).
 *
 * @param priority the priority
 * @param fairnessKey the fairness key, or {@code null}
 * @param requirement the worker tags required, as {@code name=value,...}; empty for none
 * @param depth the requests waiting
 */
public record LaneDepth(int priority, String fairnessKey, String requirement, long depth) {
}
