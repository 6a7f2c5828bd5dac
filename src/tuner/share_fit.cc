#include "tuner/share_fit.h"

#include <algorithm>
#include <set>
#include <vector>

namespace sweetspot::tuner {

std::optional<ShareFit> fit_share_response(std::span<const ShareSample> samples, ShareCap cap) {
  struct Point {
    double x, y, w;  // 1 / share (capped as asked), the time, the weight
  };
  std::vector<Point> points;
  std::set<double> shares;
  double sw = 0, sx = 0, sy = 0;
  for (const auto& s : samples) {
    if (s.share <= 0 || s.weight <= 0) continue;
    const double share = cap == ShareCap::kOneVcpu ? std::min(s.share, 1.0) : s.share;
    points.push_back({1 / share, s.ms, s.weight});
    shares.insert(share);
    sw += s.weight;
    sx += s.weight * points.back().x;
    sy += s.weight * s.ms;
  }
  if (shares.size() < 2) return std::nullopt;
  const double mx = sx / sw, my = sy / sw;
  double sxx = 0, sxy = 0, syy = 0, sxx0 = 0, sxy0 = 0;
  for (const auto& p : points) {
    sxx += p.w * (p.x - mx) * (p.x - mx);
    sxy += p.w * (p.x - mx) * (p.y - my);
    syy += p.w * (p.y - my) * (p.y - my);
    sxx0 += p.w * p.x * p.x;
    sxy0 += p.w * p.x * p.y;
  }
  double b = sxx > 0 ? sxy / sxx : 0;
  double a = my - b * mx;
  if (b < 0) {
    b = 0;
    a = my;
  } else if (a < 0) {
    a = 0;
    b = sxx0 > 0 ? sxy0 / sxx0 : 0;
  }
  double ss_res = 0;
  for (const auto& p : points) ss_res += p.w * (p.y - (a + b * p.x)) * (p.y - (a + b * p.x));
  return ShareFit{a, b, syy > 0 ? std::clamp(1.0 - ss_res / syy, 0.0, 1.0) : 0, *shares.begin(), *shares.rbegin()};
}

}  // namespace sweetspot::tuner
