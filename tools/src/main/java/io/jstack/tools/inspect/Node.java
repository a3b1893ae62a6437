package io.jstack.tools.inspect;

import java.util.ArrayList;
import java.util.List;

/** One line of the {@code -V} tree and the lines nested under it. */
public record Node(String text, List<Node> children) {
    public Node(String text) {
        this(text, new ArrayList<>());
    }

    public Node add(String line) {
        Node n = new Node(line);
        children.add(n);
        return n;
    }

    void print(StringBuilder out, int depth) {
        out.append("    ".repeat(depth)).append(text).append('\n');
        for (Node c : children) c.print(out, depth + 1);
    }
}
