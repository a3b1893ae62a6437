package io.jstack.tools.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Opens the tcptrace SVG in headless Chromium and keeps the screenshot as a test artefact
 * (target/inspect-svg/tcptrace.png), then checks that the segments, the ACK line and the window line were drawn.
 */
@Tag("chromium")
class TcpTraceScreenshotTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void theSvgRendersInHeadlessChromium() throws Exception {
        External.require(Files.isExecutable(CHROMIUM), "headless Chromium is not installed (apt-get install -y chromium)");
        Path dir = External.targetDir("inspect-svg");
        Path svg = dir.resolve("tcptrace.svg"), png = dir.resolve("tcptrace.png");
        Files.writeString(svg, TcpTraceSvg.render(TcpTraceSvgTest.transfer(), 0), StandardCharsets.UTF_8);
        Files.deleteIfExists(png);
        External.Result r = External.run(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + dir.resolve("chromium-profile"), "--screenshot=" + png,
                "--window-size=" + TcpTraceSvg.WIDTH + "," + TcpTraceSvg.HEIGHT, svg.toUri().toString()), 120);
        assertEquals(0, r.exit(), r.err());
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(TcpTraceSvg.WIDTH, image.getWidth());
        int segment = 0, retransmission = 0, ack = 0, window = 0;
        for (int y = TcpTraceSvg.TOP; y < image.getHeight() - TcpTraceSvg.BOTTOM; y++) {
            for (int x = TcpTraceSvg.LEFT + 1; x < image.getWidth(); x++) {
                if (x > image.getWidth() - TcpTraceSvg.RIGHT - 200 && y < TcpTraceSvg.TOP + 80) continue; // the legend
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (near(rgb, 0x1f4e9c)) segment++;
                if (near(rgb, 0xd62728)) retransmission++;
                if (near(rgb, 0xa0522d)) ack++;
                if (near(rgb, 0x2ca02c)) window++;
            }
        }
        assertTrue(segment > 20 && retransmission > 5 && ack > 20 && window > 20,
                "colours drawn: segment " + segment + ", retransmission " + retransmission + ", ack " + ack + ", window " + window);
    }

    private static boolean near(int rgb, int want) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((want >> shift) & 0xff)) > 40) return false;
        }
        return true;
    }
}
