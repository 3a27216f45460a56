// The HL hierarchy of one transaction set (856 shipment/order/tare/pack/item levels).
// Parents come from HL02 naming an earlier HL01. Partners who leave HL02 blank get the
// last HL of "the level above" by position, where the level above a level is the one of
// the HL just before that level first appeared (S, O, I in a flat S-O-I file).
// An HL owns the segments after it up to the next HL, CTT or SE; segments before the
// first HL and the summary belong to no HL.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "formats/x12.h"

namespace edihub::mapping {

// An HL02 naming no earlier HL, an empty or repeated HL01.
class HlError : public std::runtime_error {
 public:
  HlError(std::uint32_t segment_index, const std::string& message)
      : std::runtime_error(message), segment_index(segment_index) {}
  std::uint32_t segment_index;  // index into TransactionSet::segments
};

struct HlNode {
  std::string level;        // HL03
  int parent = -1;          // index into nodes(); -1: top level
  std::uint32_t begin = 0;  // index of the HL segment
  std::uint32_t end = 0;    // one past its last owned segment
};

class HlTree {
 public:
  explicit HlTree(const x12::TransactionSet& set);

  const std::vector<HlNode>& nodes() const { return nodes_; }
  // The HL owning segment `index`; -1 for header and summary segments.
  int owner(std::uint32_t index) const { return index < owner_.size() ? owner_[index] : -1; }
  // `node` itself or its nearest ancestor at `level`; -1 when there is none.
  int nearest(int node, std::string_view level) const;
  // Nodes at `level` in document order within the subtree of `root` (-1: the whole set),
  // `root` itself included when `with_root`.
  std::vector<int> at_level(int root, std::string_view level, bool with_root) const;

 private:
  bool within(int node, int root) const;
  std::vector<HlNode> nodes_;
  std::vector<int> owner_;
};

}  // namespace edihub::mapping
