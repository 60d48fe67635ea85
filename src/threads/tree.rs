//! The nested shape of a validated thread: parent and children by index, the depth of
//! each comment (top level is 1), and the order a reader sees them in (depth first,
//! siblings by date when every sibling has one, otherwise in file order). Built
//! without recursion: a 3,000-deep chain is an ordinary input.

use crate::threads::Thread;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Tree {
    /// Index of each comment's parent in `thread.comments`.
    pub parent: Vec<Option<usize>>,
    /// Indices of each comment's direct replies, in display order.
    pub children: Vec<Vec<usize>>,
    /// Top-level comments, in display order.
    pub roots: Vec<usize>,
    /// Every comment once, depth first, in display order.
    pub order: Vec<usize>,
    /// Depth of each comment (by index); top level is 1.
    pub depth: Vec<usize>,
}

impl Tree {
    /// The tree of a thread without comments.
    pub const EMPTY: Tree = Tree {
        parent: Vec::new(),
        children: Vec::new(),
        roots: Vec::new(),
        order: Vec::new(),
        depth: Vec::new(),
    };

    /// Builds the tree of a validated thread (unique ids, known parents, no cycles).
    pub fn build(thread: &Thread) -> Tree {
        let comments = &thread.comments;
        let index: foldhash::HashMap<&str, usize> = comments
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();
        let parent: Vec<Option<usize>> = comments
            .iter()
            .map(|c| c.parent.as_deref().and_then(|p| index.get(p).copied()))
            .collect();
        let mut children = vec![Vec::new(); comments.len()];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p {
                Some(p) => children[*p].push(i),
                None => roots.push(i),
            }
        }
        let by_date = |list: &mut Vec<usize>| {
            if list.iter().all(|&i| comments[i].date.is_some()) {
                list.sort_by_key(|&i| comments[i].date);
            }
        };
        by_date(&mut roots);
        children.iter_mut().for_each(by_date);

        let mut order = Vec::with_capacity(comments.len());
        let mut depth = vec![0; comments.len()];
        let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|&r| (r, 1)).collect();
        while let Some((node, d)) = stack.pop() {
            depth[node] = d;
            order.push(node);
            stack.extend(children[node].iter().rev().map(|&c| (c, d + 1)));
        }
        Tree {
            parent,
            children,
            roots,
            order,
            depth,
        }
    }

    /// The top-level comment each comment descends from.
    pub fn root_of(&self) -> Vec<usize> {
        let mut root = vec![0; self.parent.len()];
        for &i in &self.order {
            root[i] = match self.parent[i] {
                Some(p) => root[p],
                None => i,
            };
        }
        root
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::parse_thread;
    use std::path::Path;

    #[test]
    fn orders_depth_first_and_by_date() {
        let text = "comments:\n- id: a\n  date: 2020-01-02\n- id: b\n  date: 2020-01-01\n- id: c\n  parent: a\n- id: d\n  parent: c\n";
        let thread = parse_thread(text, Path::new("t")).unwrap();
        let tree = Tree::build(&thread);
        let ids: Vec<&str> = tree
            .order
            .iter()
            .map(|&i| thread.comments[i].id.as_str())
            .collect();
        assert_eq!(ids, ["b", "a", "c", "d"]);
        assert_eq!(tree.depth, vec![1, 1, 2, 3]);
        assert_eq!(tree.root_of(), vec![0, 1, 0, 0]);
    }

    #[test]
    fn deep_chain_builds_without_recursion() {
        let mut text = String::from("comments:\n- id: 0\n");
        for i in 1..3000 {
            text.push_str(&format!("- id: {i}\n  parent: {}\n", i - 1));
        }
        let thread = parse_thread(&text, Path::new("t")).unwrap();
        let tree = Tree::build(&thread);
        assert_eq!(tree.depth.iter().max(), Some(&3000));
    }
}
