package io.execution.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README a newcomer reads first: under 450 lines, and every link from it and from the
 * reference in {@code docs/} reaches a file and, with an anchor, a heading there — so moving a
 * section cannot leave a link pointing at nothing.
 */
class ReadmeTest {

	private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

	private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

	@Test
	void theReadmeStaysUnder450Lines() throws IOException {
		assertThat(Files.readAllLines(ROOT.resolve("README.md"))).hasSizeLessThan(450);
	}

	@Test
	void everyLocalLinkReachesItsFileAndHeading() throws IOException {
		List<Path> pages = new ArrayList<>();
		pages.add(ROOT.resolve("README.md"));
		try (var docs = Files.list(ROOT.resolve("docs"))) {
			docs.filter((path) -> path.toString().endsWith(".md")).forEach(pages::add);
		}
		List<String> broken = new ArrayList<>();
		for (Path page : pages) {
			Matcher links = LINK.matcher(Files.readString(page));
			while (links.find()) {
				String link = links.group(1);
				if (link.startsWith("http") || link.startsWith("mailto:")) {
					continue;
				}
				int hash = link.indexOf('#');
				String file = (hash >= 0) ? link.substring(0, hash) : link;
				Path target = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
				if (!Files.exists(target)) {
					broken.add(ROOT.relativize(page) + ": " + link + " (no such file)");
				}
				else if (hash >= 0 && target.toString().endsWith(".md")
						&& !anchors(target).contains(link.substring(hash + 1))) {
					broken.add(ROOT.relativize(page) + ": " + link + " (no such heading)");
				}
			}
		}
		assertThat(broken).isEmpty();
	}

	/** The anchors GitHub makes of a page's headings. */
	private static List<String> anchors(Path page) throws IOException {
		List<String> anchors = new ArrayList<>();
		boolean code = false;
		for (String line : Files.readAllLines(page)) {
			if (line.startsWith("```")) {
				code = !code;
			}
			if (!code && line.startsWith("#")) {
				String title = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
				anchors.add(title.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
			}
		}
		return anchors;
	}

}
