package io.jstack.e2e;

import static org.junit.jupiter.api.Assertions.*;

import io.jstack.tools.HttpService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real browser on jstack's TCP: headless Chromium inside the namespace loads {@code /}, adds an item to the
 * {@code /cart} through its HTML form, loads the cart again with the same profile (the item is still there: state
 * kept in the signed cookie), and keeps screenshots under {@code tests/target/http-e2e/} as test artefacts.
 */
@LiveTun
@Tag("chromium")
class HttpChromiumE2eTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Duration T = Duration.ofSeconds(120);

    @Test
    void chromiumLoadsTheHomePageAndKeepsTheCartAcrossLoads() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) || "true".equals(System.getenv("CI")),
                "headless Chromium is not installed (apt-get install -y chromium)");
        Path out = Path.of("target", "http-e2e").toAbsolutePath();
        Files.createDirectories(out);
        Path docroot = Files.createTempDirectory("js-http-docroot");
        Path profile = Files.createTempDirectory("js-http-chromium");
        // The browser submits the cart's own form, as a user would after choosing "tea".
        Files.writeString(docroot.resolve("add-tea.html"), "<!doctype html><form method=\"post\" action=\"/cart/add\">"
                + "<input type=\"hidden\" name=\"item\" value=\"tea\"></form><script>document.forms[0].submit()</script>");
        try (Netns ns = Netns.create(); LiveHost h = LiveHost.start(ns);
                HttpService http = HttpService.start(h.host(),
                        new HttpService.Options(80, Optional.of(docroot), Optional.empty(), Optional.empty()), "jstack in Chromium")) {
            String base = "http://" + LiveHost.HOST_IP;
            var home = chromium(ns, profile, "--screenshot=" + out.resolve("home.png"), "--window-size=1024,900", base + "/");
            assertTrue(home.ok(), home.describe());
            assertTrue(Files.size(out.resolve("home.png")) > 1000);

            var added = chromium(ns, profile, "--virtual-time-budget=10000", "--dump-dom", base + "/add-tea.html");
            assertTrue(added.ok(), added.describe());
            assertTrue(added.out().contains("<td class=\"item\">tea</td>"), added.describe());

            var reloaded = chromium(ns, profile, "--dump-dom", base + "/cart");
            assertTrue(reloaded.out().contains("<td class=\"item\">tea</td>"), "the item survives a reload: " + reloaded.describe());

            var shot = chromium(ns, profile, "--screenshot=" + out.resolve("cart.png"), "--window-size=1024,700", base + "/cart");
            assertTrue(shot.ok(), shot.describe());
            assertTrue(Files.size(out.resolve("cart.png")) > 1000);
            assertTrue(http.server().stats().get(io.jstack.http.ServerStats.Counter.REQUESTS) >= 5);
            h.assertHealthy();
        } finally {
            deleteTree(docroot);
            deleteTree(profile);
        }
    }

    static Exec.Result chromium(Netns ns, Path profile, String... args) {
        var cmd = new java.util.ArrayList<String>(java.util.List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--user-data-dir=" + profile));
        cmd.addAll(java.util.List.of(args));
        return ns.exec(T, cmd.toArray(String[]::new));
    }

    static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
