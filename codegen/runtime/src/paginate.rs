//! Pagination as async streams of items, generic over a fetch closure.
//!
//! Three cursor styles cover the documents: page number + size (`PageNumber`/`PageSize`,
//! `CurrentPage`), offset + limit (Huawei), and an opaque marker (`NextToken`, `marker`).
//! The fetch closure gets a [`PageRequest`] and returns a [`Page`]; the stream yields items
//! until a page is empty, shorter than the page size, the reported total is reached, or no next
//! marker is returned. A fetch error is yielded once and ends the stream.

use std::collections::VecDeque;
use std::future::Future;

pub use futures_core::Stream;

use crate::error::Error;

/// Cursor style and page size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStyle {
    /// Page numbers starting at `first` (usually 1), `size` items per page.
    PageNumber {
        /// First page number.
        first: u64,
        /// Items per page.
        size: u64,
    },
    /// Item offsets starting at `start`, `limit` items per page.
    OffsetLimit {
        /// First offset.
        start: u64,
        /// Items per page.
        limit: u64,
    },
    /// Opaque continuation marker; `None` for the first page.
    Marker {
        /// Initial marker.
        start: Option<String>,
        /// Items per page, if the API takes one.
        size: Option<u64>,
    },
}

/// What to fetch next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// Fetch page `number` of `size` items.
    PageNumber {
        /// Page number.
        number: u64,
        /// Page size.
        size: u64,
    },
    /// Fetch `limit` items from `offset`.
    OffsetLimit {
        /// Offset.
        offset: u64,
        /// Limit.
        limit: u64,
    },
    /// Fetch the page after `marker`.
    Marker {
        /// Marker (`None` = first page).
        marker: Option<String>,
        /// Page size.
        size: Option<u64>,
    },
}

/// One fetched page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Total item count, when the API reports it (`TotalCount`, `total`).
    pub total: Option<u64>,
    /// The next marker (marker style); `None` or empty ends the stream.
    pub next_marker: Option<String>,
}

impl<T> Page<T> {
    /// A page of items with no total and no marker.
    pub fn new(items: Vec<T>) -> Self {
        Self {
            items,
            total: None,
            next_marker: None,
        }
    }
}

struct State<F> {
    fetch: F,
    next: Option<PageRequest>,
    seen: u64,
}

fn following(
    req: &PageRequest,
    got: usize,
    seen: u64,
    total: Option<u64>,
    marker: Option<String>,
) -> Option<PageRequest> {
    let got = got as u64;
    if let Some(t) = total {
        if seen >= t {
            return None;
        }
    }
    match req {
        PageRequest::PageNumber { number, size } => {
            (got > 0 && got >= *size).then(|| PageRequest::PageNumber {
                number: number + 1,
                size: *size,
            })
        }
        PageRequest::OffsetLimit { offset, limit } => {
            (got > 0 && got >= *limit).then(|| PageRequest::OffsetLimit {
                offset: offset + got,
                limit: *limit,
            })
        }
        PageRequest::Marker { marker: prev, size } => match marker {
            // A marker that does not move would loop forever.
            Some(m) if !m.is_empty() && prev.as_deref() != Some(m.as_str()) => {
                Some(PageRequest::Marker {
                    marker: Some(m),
                    size: *size,
                })
            }
            _ => None,
        },
    }
}

impl PageStyle {
    /// The request of the first page (a page size or limit of at least 1).
    fn first(self) -> PageRequest {
        match self {
            PageStyle::PageNumber { first, size } => PageRequest::PageNumber {
                number: first,
                size: size.max(1),
            },
            PageStyle::OffsetLimit { start, limit } => PageRequest::OffsetLimit {
                offset: start,
                limit: limit.max(1),
            },
            PageStyle::Marker { start, size } => PageRequest::Marker {
                marker: start,
                size,
            },
        }
    }
}

/// Streams every item of a paged operation. `fetch` is called once per page.
pub fn paginate<T, F, Fut>(style: PageStyle, fetch: F) -> impl Stream<Item = Result<T, Error>>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<Page<T>, Error>>,
{
    let state = State {
        fetch,
        next: Some(style.first()),
        seen: 0,
    };
    let pages = futures_util::stream::unfold(state, |mut st| async move {
        let req = st.next.take()?;
        match (st.fetch)(req.clone()).await {
            Ok(page) => {
                st.seen += page.items.len() as u64;
                st.next = following(
                    &req,
                    page.items.len(),
                    st.seen,
                    page.total,
                    page.next_marker,
                );
                let items: VecDeque<Result<T, Error>> = page.items.into_iter().map(Ok).collect();
                Some((items, st))
            }
            Err(e) => Some((VecDeque::from([Err(e)]), st)),
        }
    });
    futures_util::StreamExt::flat_map(pages, futures_util::stream::iter)
}

/// Reads a dotted path (`Data.List`) of a JSON value.
fn at_path<'v>(v: &'v serde_json::Value, path: &str) -> Option<&'v serde_json::Value> {
    path.split('.').try_fold(v, |v, k| v.get(k))
}

/// The number of items a page holds: the length of the list at `path`, looking through an
/// Alibaba list wrapper (`{"TopicVO": [...]}`).
fn count_at(v: &serde_json::Value, path: &str) -> Option<usize> {
    match at_path(v, path)? {
        serde_json::Value::Array(a) => Some(a.len()),
        serde_json::Value::Object(m) if m.len() == 1 => m.values().next()?.as_array().map(Vec::len),
        serde_json::Value::Null => Some(0),
        _ => Some(1),
    }
}

fn number_at(v: &serde_json::Value, path: &str) -> Option<u64> {
    match at_path(v, path)? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Where a paged response keeps its items, total and next marker (dotted JSON paths, as the
/// spec's `pagination` names them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PageFields {
    /// The list of items; when unknown, every page counts as full.
    pub items: Option<&'static str>,
    /// The total item count.
    pub total: Option<&'static str>,
    /// The next marker (marker style).
    pub next_marker: Option<&'static str>,
}

/// Streams whole responses of a paged operation, one per page: the generated `…_pages()`
/// methods. Stops like [`paginate`], reading item counts, totals and markers from the
/// serialised response at `fields`.
pub fn pages<R, F, Fut>(
    style: PageStyle,
    fields: PageFields,
    fetch: F,
) -> impl Stream<Item = Result<R, Error>>
where
    R: serde::Serialize,
    F: FnMut(PageRequest) -> Fut,
    Fut: Future<Output = Result<R, Error>>,
{
    let state = State {
        fetch,
        next: Some(style.first()),
        seen: 0,
    };
    futures_util::stream::unfold(state, move |mut st| async move {
        let req = st.next.take()?;
        match (st.fetch)(req.clone()).await {
            Ok(resp) => {
                let v = serde_json::to_value(&resp).unwrap_or_default();
                let full = match &req {
                    PageRequest::PageNumber { size, .. } => *size as usize,
                    PageRequest::OffsetLimit { limit, .. } => *limit as usize,
                    PageRequest::Marker { .. } => 1,
                };
                let got = fields
                    .items
                    .map_or(Some(full), |p| count_at(&v, p))
                    .unwrap_or(0);
                st.seen += got as u64;
                let total = fields.total.and_then(|p| number_at(&v, p));
                let marker = fields
                    .next_marker
                    .and_then(|p| at_path(&v, p))
                    .and_then(|m| m.as_str().map(str::to_owned));
                st.next = following(&req, got, st.seen, total, marker);
                Some((Ok(resp), st))
            }
            Err(e) => Some((Err(e), st)),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;
    use std::cell::RefCell;

    fn block_on<F: Future>(f: F) -> F::Output {
        futures_util::FutureExt::now_or_never(f).expect("ready")
    }

    #[test]
    fn page_number_stops_on_short_page() {
        let calls = RefCell::new(Vec::new());
        let s = paginate(PageStyle::PageNumber { first: 1, size: 2 }, |r| {
            calls.borrow_mut().push(r.clone());
            async move {
                let PageRequest::PageNumber { number, .. } = r else {
                    unreachable!()
                };
                Ok(Page::new(match number {
                    1 => vec![1, 2],
                    2 => vec![3, 4],
                    _ => vec![5],
                }))
            }
        });
        let items: Vec<i32> = block_on(s.map(|r| r.unwrap()).collect());
        assert_eq!(items, vec![1, 2, 3, 4, 5]);
        assert_eq!(calls.borrow().len(), 3);
    }

    #[test]
    fn whole_pages_read_counts_from_the_response() {
        let s = pages(
            PageStyle::PageNumber { first: 1, size: 2 },
            PageFields {
                items: Some("Data.List"),
                total: Some("Total"),
                next_marker: None,
            },
            |r| async move {
                let PageRequest::PageNumber { number, .. } = r else {
                    unreachable!()
                };
                let list: Vec<u64> = match number {
                    1 => vec![1, 2],
                    2 => vec![3, 4],
                    _ => vec![5, 6],
                };
                Ok(serde_json::json!({"Total": "4", "Data": {"List": {"VO": list}}}))
            },
        );
        let got: Vec<serde_json::Value> = block_on(s.map(|r| r.unwrap()).collect());
        assert_eq!(got.len(), 2, "stops once the total is reached");
    }

    #[test]
    fn offset_limit_stops_at_total() {
        let s = paginate(
            PageStyle::OffsetLimit { start: 0, limit: 2 },
            |r| async move {
                let PageRequest::OffsetLimit { offset, .. } = r else {
                    unreachable!()
                };
                Ok(Page {
                    items: vec![offset, offset + 1],
                    total: Some(4),
                    next_marker: None,
                })
            },
        );
        let items: Vec<u64> = block_on(s.map(|r| r.unwrap()).collect());
        assert_eq!(items, vec![0, 1, 2, 3]);
    }

    #[test]
    fn marker_style_and_errors() {
        let s = paginate(
            PageStyle::Marker {
                start: None,
                size: Some(1),
            },
            |r| async move {
                let PageRequest::Marker { marker, .. } = r else {
                    unreachable!()
                };
                match marker.as_deref() {
                    None => Ok(Page {
                        items: vec!["a"],
                        total: None,
                        next_marker: Some("m1".into()),
                    }),
                    Some("m1") => Ok(Page {
                        items: vec!["b"],
                        total: None,
                        next_marker: Some("m1".into()),
                    }),
                    _ => Err(Error::InvalidRequest(crate::RequestError::EmptyRegion)),
                }
            },
        );
        let items: Vec<&str> = block_on(s.map(|r| r.unwrap()).collect());
        assert_eq!(
            items,
            vec!["a", "b"],
            "a marker that does not move ends the stream"
        );
        let failing = paginate(PageStyle::PageNumber { first: 1, size: 1 }, |_| async {
            Err::<Page<u8>, _>(Error::InvalidRequest(crate::RequestError::EmptyRegion))
        });
        let out: Vec<Result<u8, Error>> = block_on(failing.collect());
        assert_eq!(out.len(), 1);
        assert!(out[0].is_err());
    }
}
