package io.jstack.e2e;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The summary line of iputils {@code ping}: "5 packets transmitted, 5 received, 0% packet loss". */
public record Ping(int transmitted, int received) {
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");

    public static Ping parse(Exec.Result r) {
        Matcher m = SUMMARY.matcher(r.out());
        if (!m.find()) throw new AssertionError("no ping summary in:\n" + r.describe());
        return new Ping(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    public boolean noLoss() {
        return transmitted > 0 && received == transmitted;
    }
}
