#include "contracts/ContractField.h"

namespace tango {

QString ContractField::rootName() const
{
    const int dot = path.indexOf(QLatin1Char('.'));
    return dot < 0 ? path : path.left(dot);
}

QString ContractField::leafName() const
{
    const int dot = path.lastIndexOf(QLatin1Char('.'));
    return dot < 0 ? path : path.mid(dot + 1);
}

} // namespace tango
