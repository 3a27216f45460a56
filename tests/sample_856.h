// Small, valid, distinct 856 ship notices for the crash test and the end-to-end
// benchmark: S-O-P-I, two items, every control number and business key derived from `n`.
#pragma once

#include <string>
#include <vector>

#include <fmt/format.h>

namespace edihub::testing {

inline std::string sample_856(unsigned n, const std::string& sender = "SUPPLIER1", const std::string& version = "004010") {
  const std::string isa13 = fmt::format("{:09}", n);
  const std::string st02 = fmt::format("{:04}", n % 10000);
  const std::vector<std::string> body = {
      fmt::format("ST*856*{}", st02),
      fmt::format("BSN*00*SHP{:07}*20261127*1015*0001", n),
      "DTM*011*20261127*1015",
      "HL*1**S",
      "TD1*CTN25*2****G*31.5*LB",
      "TD5*B*2*ABCD*M",
      fmt::format("REF*BM*BOL{:07}", n),
      fmt::format("REF*CN*PRO{:07}", n),
      "N1*SF*SUPPLIER ONE*92*SUP1",
      "N1*ST*PLANT 10*92*1000",
      "HL*2*1*O",
      fmt::format("PRF*PO{:07}***20261120", n),
      "HL*3*2*P",
      fmt::format("MAN*GM*00012345{:010}", n),
      "HL*4*3*I",
      "LIN*1*BP*PART-A*VP*VA-100",
      "SN1*1*10*EA",
      "HL*5*3*I",
      "LIN*2*BP*PART-B*VP*VB-200",
      "SN1*2*4.5*EA",
      "CTT*5",
  };
  std::string out = fmt::format(
      "ISA*00*          *00*          *ZZ*{:<15}*ZZ*BUYERPLANT     *261127*1015*U*00401*{}*0*P*:~\n", sender, isa13);
  out += fmt::format("GS*SH*{}*BUYERPLANT*20261127*1015*{}*X*{}~\n", sender, n, version);
  for (const auto& s : body) out += s + "~\n";
  out += fmt::format("SE*{}*{}~\nGE*1*{}~\nIEA*1*{}~\n", body.size() + 1, st02, n, isa13);
  return out;
}

}  // namespace edihub::testing
