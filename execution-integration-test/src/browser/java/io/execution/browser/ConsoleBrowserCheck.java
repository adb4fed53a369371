package io.execution.browser;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser (Debian's Chromium through ChromeDriver) against a running
 * sample: every view opens and shows what the application has, one write action (drain, then
 * resume) changes the page, and a screenshot of the overview is saved ({@code screenshot}, by
 * default {@code target/console.png}). Run by {@code .ci/run} with {@code -Pbrowser} and
 * {@code -Dconsole.url=…}.
 */
class ConsoleBrowserCheck {

	private WebDriver browser;

	private WebDriverWait wait;

	@BeforeEach
	void open() {
		ChromeOptions options = new ChromeOptions();
		options.setBinary(System.getProperty("chromium", "/usr/bin/chromium"));
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1400,900");
		ChromeDriverService service = new ChromeDriverService.Builder()
			.usingDriverExecutable(Path.of(System.getProperty("chromedriver", "/usr/bin/chromedriver")).toFile())
			.build();
		this.browser = new ChromeDriver(service, options);
		this.browser.manage().window().setSize(new Dimension(1400, 900));
		// The page redraws its tables with every snapshot: an element found may be replaced before it is read.
		this.wait = new WebDriverWait(this.browser, Duration.ofSeconds(30));
		this.wait.ignoring(StaleElementReferenceException.class);
	}

	@AfterEach
	void close() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	private void view(String name) {
		this.browser.findElement(By.cssSelector("nav a[data-view=" + name + "]")).click();
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(name)));
	}

	/** Clicks what the selector finds once it can: the tables are redrawn under the pointer each interval. */
	private void click(By selector) {
		this.wait.until((driver) -> {
			WebElement found = driver.findElement(selector);
			if (!found.isDisplayed() || !found.isEnabled()) {
				return false;
			}
			try {
				found.click();
				return true;
			}
			catch (org.openqa.selenium.ElementClickInterceptedException ex) {
				return false;
			}
		});
	}

	@Test
	void everyViewOpensOneActionWorksAndTheOverviewIsCaptured() throws Exception {
		String url = System.getProperty("console.url", "http://localhost:8080/actuator/console");
		// Typed with a trailing slash, as people do: the page opens all the same.
		this.browser.get(url + "/");
		this.wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-ready", "true"));
		// The landing page's counters: what waits, runs and how calls ended.
		assertThat(this.browser.findElements(By.cssSelector("#counters [data-counter]"))).hasSize(7);

		// Overview: the sample's endpoints, with traffic once two snapshots were made.
		this.wait.until((driver) -> driver.findElements(By.cssSelector("tr[data-endpoint]")).size() >= 3);
		this.wait.until((driver) -> driver.findElements(By.cssSelector("tr[data-endpoint] td.calls"))
			.stream()
			.anyMatch((cell) -> Double.parseDouble(cell.getText()) > 0));
		assertThat(this.browser.findElements(By.cssSelector("tr[data-endpoint] svg.spark"))).isNotEmpty();

		view("queues");
		this.wait.until((driver) -> !driver.findElements(By.cssSelector("tr[data-queue]")).isEmpty());

		view("workers");
		click(By.cssSelector("button[data-action=drain]"));
		// Asked in the page before it is done.
		click(By.cssSelector("#confirm button[data-confirm=yes]"));
		this.wait.until(ExpectedConditions.textToBe(By.cssSelector("td.worker-state"), "draining"));
		click(By.cssSelector("button[data-action=resume]"));
		this.wait.until(ExpectedConditions.textToBe(By.cssSelector("td.worker-state"), "taking work"));

		// The address says the view: a reload opens it again.
		assertThat(this.browser.getCurrentUrl()).endsWith("#workers");
		this.browser.navigate().refresh();
		this.wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-ready", "true"));
		this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("workers")));

		view("executions");
		this.wait.until((driver) -> !driver.findElements(By.cssSelector("#execution-table tbody tr")).isEmpty());
		List<WebElement> records = this.browser.findElements(By.cssSelector("tr[data-execution] a"));
		if (!records.isEmpty()) {
			click(By.cssSelector("tr[data-execution] a"));
			this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#execution-detail pre")));
			this.wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#execution-detail .timeline")));
		}

		view("recurring");
		this.wait.until((driver) -> !driver.findElements(By.cssSelector("tr[data-recurring=stocktake]")).isEmpty());

		view("deadletters");
		this.wait.until((driver) -> !driver.findElements(By.cssSelector("#deadletter-table tbody tr")).isEmpty());
		assertThat(this.browser.findElement(By.id("problem")).isDisplayed()).isFalse();

		view("overview");
		// A few points of history for the charts, then the picture the README shows.
		new WebDriverWait(this.browser, Duration.ofSeconds(60)).ignoring(StaleElementReferenceException.class)
			.until((driver) -> driver
			.findElements(By.cssSelector("tr[data-endpoint] svg.spark polyline"))
			.stream()
			.allMatch((line) -> line.getAttribute("points").split(" ").length >= 12));
		Path screenshot = Path.of(System.getProperty("screenshot", "target/console.png")).toAbsolutePath();
		Files.createDirectories(screenshot.getParent());
		Files.write(screenshot, ((TakesScreenshot) this.browser).getScreenshotAs(OutputType.BYTES));
		assertThat(Files.size(screenshot)).isGreaterThan(10_000);
	}

}
