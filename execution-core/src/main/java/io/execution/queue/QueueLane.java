package io.execution.queue;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Where a request waits on its queue: its priority (higher is taken first), its fairness key
 * (within one priority, keys are taken in turn) and the worker tags it requires (only workers
 * advertising them take it). The default lane (priority 0, no key, no requirement) is the plain
 * queue every worker reads.
 *
 * @param priority from -100 to 100
 * @param fairnessKey the key, or {@code null} for none
 * @param requires the worker tags required, by name
 */
public record QueueLane(int priority, String fairnessKey, Map<String, String> requires) {

	/** The plain queue. */
	public static final QueueLane DEFAULT = new QueueLane(0, null, Map.of());

	/** What a tag's name and value may hold: they are written into queue keys and compared as text. */
	private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._:/-]{1,64}");

	public QueueLane {
		requires = (requires != null) ? Map.copyOf(requires) : Map.of();
	}

	/**
	 * Whether this is the plain queue.
	 * @return {@code true} for priority 0, no key and no requirement
	 */
	public boolean isDefault() {
		return this.priority == 0 && this.fairnessKey == null && this.requires.isEmpty();
	}

	/**
	 * The requirement as text: {@code name=value} pairs sorted by name, comma-separated.
	 * @return the requirement, empty for none
	 */
	public String requirement() {
		return requirement(this.requires);
	}

	/**
	 * A requirement as text.
	 * @param requires the worker tags required
	 * @return {@code name=value} pairs sorted by name, comma-separated
	 */
	public static String requirement(Map<String, String> requires) {
		return new TreeMap<>(requires).entrySet()
			.stream()
			.map((entry) -> entry.getKey() + "=" + entry.getValue())
			.collect(Collectors.joining(","));
	}

	/**
	 * Whether a worker with these tags takes this lane's requests.
	 * @param tags the worker's tags
	 * @return {@code true} when it has every tag required, with the same value
	 */
	public boolean matches(Map<String, String> tags) {
		return matches(this.requires, tags);
	}

	/**
	 * Whether a worker with these tags meets a requirement.
	 * @param requires the tags required
	 * @param tags the worker's tags
	 * @return {@code true} when it has every tag required, with the same value
	 */
	public static boolean matches(Map<String, String> requires, Map<String, String> tags) {
		return requires.entrySet().stream().allMatch((entry) -> entry.getValue().equals(tags.get(entry.getKey())));
	}

	/**
	 * Whether a tag name or value may be required (letters, digits and {@code . _ : / -}, 1 to 64).
	 * @param text the name or value
	 * @return {@code true} when it may
	 */
	public static boolean validTag(String text) {
		return text != null && TAG.matcher(text).matches();
	}

}
