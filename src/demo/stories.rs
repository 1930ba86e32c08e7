//! What residents of an old community ask for, by category: the title and words of the
//! demand, who usually does the work, what was done and what the resident was told.

use crate::demands::model::Urgency;

/// Where the problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// In one home.
    Home,
    /// In the stairwell, on the roof, at the door of one building.
    Building,
}

/// Who does the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Handler {
    /// The grid worker settles it on the spot (小事不出网格).
    OnSpot,
    /// A unit of the street, by kind.
    Unit(&'static str),
    /// A volunteer with the skill.
    Volunteer,
    /// The red detachment.
    Team,
    /// Several units and people must come (吹哨报到), the property company does the work.
    Whistle,
    /// Beyond the community: escalated to the street, which sends the unit.
    Street(&'static str),
}

pub struct Story {
    pub category: &'static str,
    pub scope: Scope,
    pub urgency: Urgency,
    pub handler: Handler,
    pub title: &'static str,
    pub description: &'static str,
    pub result: &'static str,
    pub feedback: &'static str,
}

const fn s(
    category: &'static str,
    scope: Scope,
    urgency: Urgency,
    handler: Handler,
    text: [&'static str; 4],
) -> Story {
    Story {
        category,
        scope,
        urgency,
        handler,
        title: text[0],
        description: text[1],
        result: text[2],
        feedback: text[3],
    }
}

use Handler::*;
use Scope::*;
use Urgency::{Emergency, Normal, Urgent};

#[rustfmt::skip]
pub const STORIES: &[Story] = &[
    s("water", Home, Normal, Volunteer, [
        "厨房水龙头漏水",
        "厨房水龙头关不严，一直滴水，家里老人自己修不了，想找人来看看。",
        "志愿者上门更换了水龙头阀芯，试水不再滴漏。",
        "已电话告知：水龙头阀芯已更换，如再漏水可直接联系网格员。",
    ]),
    s("water", Home, Urgent, Unit("property"), [
        "卫生间水管爆裂",
        "卫生间墙角的水管突然爆了，水流到楼道里，已经把总阀关上了。",
        "物业维修工更换了爆裂的一段水管，清理了楼道积水。",
        "已上门告知：水管已更换，恢复用水，楼道已清理。",
    ]),
    s("water", Building, Urgent, Unit("water"), [
        "楼内停水",
        "从早上开始整栋楼都没有水，也没看到停水通知，老人做饭喝水都成问题。",
        "自来水公司查明为小区主管道阀门故障，已抢修恢复供水。",
        "已在楼栋群里通知：供水已恢复，故障原因为主管道阀门损坏。",
    ]),
    s("water", Building, Normal, Unit("property"), [
        "高层水压太低",
        "家住高层，早晚用水高峰水压特别低，热水器都打不着火。",
        "物业检修了二次供水泵房的加压泵，高峰时段水压恢复正常。",
        "已电话告知：加压泵已检修，请观察几天，如仍有问题再反映。",
    ]),
    s("gas", Home, Urgent, Unit("gas"), [
        "燃气软管老化",
        "厨房燃气软管老化开裂，做饭时能闻到一点燃气味，不敢用火。",
        "燃气公司上门更换了金属波纹管，检测无泄漏。",
        "已电话告知：软管已换成金属波纹管，检测合格，可放心使用。",
    ]),
    s("gas", Home, Normal, Unit("gas"), [
        "燃气灶打不着火",
        "燃气灶点不着火，不知道是灶具的问题还是燃气表的问题。",
        "燃气公司查明为燃气表电池没电，已更换电池并教会老人看余量。",
        "已电话告知：燃气表电池已更换，灶具正常。",
    ]),
    s("gas", Building, Emergency, Unit("gas"), [
        "楼道有燃气味",
        "单元楼道里燃气味很重，大家都很害怕，请尽快派人来查。",
        "燃气公司检测为三楼立管接口渗漏，已紧固并复检合格。",
        "已在楼栋群里通知：漏点已处理，复检合格。",
    ]),
    s("electricity", Building, Normal, Unit("property"), [
        "楼道灯不亮",
        "单元楼道声控灯坏了好几层，晚上上下楼黑乎乎的，老人不敢出门。",
        "物业电工更换了楼道五个声控灯。",
        "已告知反映人：楼道灯已全部修好。",
    ]),
    s("electricity", Home, Urgent, Volunteer, [
        "家里跳闸停电",
        "家里总闸一合上就跳，冰箱里的东西快坏了，自己不会查。",
        "志愿者查出是电热水器漏电，已断开热水器，其余用电恢复。",
        "已上门告知：电热水器漏电，建议更换，其他电器可正常使用。",
    ]),
    s("electricity", Building, Normal, Street("power"), [
        "楼前电线私拉乱接",
        "楼前树上挂着好多私拉的电线，下雨天打火花，很危险。",
        "供电公司会同社区拆除了私拉线路，重新规范了入户线。",
        "已电话告知：私拉线路已拆除。",
    ]),
    s("heating", Home, Normal, Unit("property"), [
        "暖气不热",
        "家里暖气片摸着只有一点温，屋里才十五六度，老人受不了。",
        "物业给暖气片排了气，清洗了过滤网，室温升到二十度。",
        "已电话回访：室温已达标，居民表示满意。",
    ]),
    s("heating", Building, Normal, Unit("property"), [
        "暖气管道漏水",
        "地下室暖气管道漏水，楼道里都是热气。",
        "物业焊补了地下室漏点，恢复供暖循环。",
        "已告知反映人：漏点已焊补。",
    ]),
    s("sanitation", Building, Normal, OnSpot, [
        "楼道堆放杂物",
        "楼道里堆了旧家具和纸箱，过道很窄，还有火灾隐患。",
        "网格员上门协调，住户当天清走了楼道杂物。",
        "已告知反映人：楼道杂物已清理。",
    ]),
    s("sanitation", Building, Normal, Unit("property"), [
        "垃圾清运不及时",
        "楼下垃圾桶满了两天没人清，味道很大，招苍蝇。",
        "物业增加了一次垃圾清运，调整了清运时间。",
        "已电话告知：已调整清运时间为每天早晚两次。",
    ]),
    s("sanitation", Building, Urgent, Whistle, [
        "化粪池外溢",
        "楼后化粪池冒出来了，污水流到路上，臭得没法走路。",
        "物业联系清掏车清掏了化粪池，疏通了排污管道。",
        "已在楼栋群里通知：化粪池已清掏，路面已冲洗。",
    ]),
    s("greening", Building, Normal, Unit("property"), [
        "树枝遮挡窗户",
        "楼前大树的枝条伸到窗户前，挡光，刮风的时候一直敲玻璃。",
        "物业园林工修剪了遮挡窗户的树枝。",
        "已电话告知：树枝已修剪。",
    ]),
    s("greening", Building, Normal, OnSpot, [
        "公共绿地被占种菜",
        "有住户把楼前绿地圈起来种菜，还浇粪水，味道很大。",
        "网格员和楼长上门劝说，住户已恢复绿地。",
        "已告知反映人：菜地已清理，绿地已恢复。",
    ]),
    s("parking", Building, Normal, Team, [
        "电动车乱停",
        "单元门口电动车乱停乱放，轮椅都推不出去。",
        "红色先锋队队员划了停放线，劝导住户规范停车。",
        "已告知反映人：已划线规范停放，队员会定期巡查。",
    ]),
    s("parking", Building, Urgent, Unit("police"), [
        "车辆占用消防通道",
        "有辆车长期停在消防通道上，救护车进不来。",
        "派出所民警联系车主挪走了车辆，并做了警示。",
        "已电话告知：车辆已挪走。",
    ]),
    s("safety", Building, Urgent, OnSpot, [
        "飞线充电",
        "有住户从窗户拉电线到楼下给电动车充电，很危险。",
        "网格员上门劝导，住户拆除了飞线，改到充电车棚充电。",
        "已告知反映人：飞线已拆除。",
    ]),
    s("property", Building, Normal, Unit("property"), [
        "单元门禁损坏",
        "单元门禁坏了，门一直关不上，外人随便进。",
        "物业更换了单元门禁锁和闭门器。",
        "已告知反映人：门禁已修好。",
    ]),
    s("property", Building, Urgent, Unit("property"), [
        "电梯经常故障",
        "电梯这个月停了三次，上周还困过人，老人不敢坐。",
        "物业联系维保单位全面检修电梯，更换了门机板。",
        "已电话告知：电梯已检修，维保单位将加密巡检。",
    ]),
    s("property", Home, Normal, Unit("owners_committee"), [
        "物业费收费有疑问",
        "今年物业费比去年多收了，想问问是怎么算的。",
        "业委会核对了收费标准，向居民解释了公摊面积的计算。",
        "已电话解释收费依据，居民表示理解。",
    ]),
    s("public_facility", Building, Normal, Whistle, [
        "楼道地砖破损",
        "单元门口楼道地砖碎裂翘起，老人差点绊倒，一直没人修。",
        "党员、楼长、业委会和物业共同研究维修方案，物业更换了破损地砖。",
        "已上门告知：地砖已更换，楼道恢复平整。",
    ]),
    s("public_facility", Building, Normal, Unit("property"), [
        "健身器材损坏",
        "楼前健身器材的扶手断了，有安全隐患。",
        "物业拆除了损坏的器材并设置了警示，已报采购更换。",
        "已电话告知：损坏器材已拆除，新器材下月安装。",
    ]),
    s("public_facility", Building, Normal, Whistle, [
        "顶楼屋面漏水",
        "顶层家里一下雨屋顶就漏水，墙皮都泡掉了。",
        "物业和业委会申请了维修资金，对屋面重新做了防水。",
        "已上门告知：屋面防水已重做，请下雨后观察。",
    ]),
    s("safety", Building, Urgent, Street("property"), [
        "外墙皮脱落",
        "楼外墙皮大块脱落，砸到了楼下的车，下面还有人走。",
        "街道协调专项资金，物业对外墙进行了排险和修补。",
        "已电话告知：外墙已排险修补。",
    ]),
    s("safety", Building, Urgent, Unit("water"), [
        "井盖缺失",
        "楼前路上的井盖没了，晚上很容易掉进去。",
        "自来水公司补装了井盖，设置了警示标志。",
        "已告知反映人：井盖已补装。",
    ]),
    s("neighbour_dispute", Home, Normal, OnSpot, [
        "邻里噪音纠纷",
        "楼上住户晚上十一点以后还在跳绳、拖家具，沟通了几次也没用。",
        "网格员分别上门沟通，双方约定晚上十点后不再有大的响动。",
        "已电话回访：楼上已注意，噪音明显减少。",
    ]),
    s("neighbour_dispute", Home, Normal, Team, [
        "楼上漏水到楼下",
        "楼上卫生间漏水渗到我家天花板，楼上住户不配合维修。",
        "红色先锋队队员上门调解，楼上住户同意重做防水并赔偿刷墙费用。",
        "已上门告知调解结果，双方签了协议。",
    ]),
    s("neighbour_dispute", Home, Normal, OnSpot, [
        "宠物狗扰民",
        "邻居家的狗白天黑夜叫，还在楼道里便溺。",
        "网格员上门劝导养犬户文明养犬，清理了楼道。",
        "已电话告知：已与养犬户沟通。",
    ]),
    s("elderly_care", Home, Normal, Team, [
        "独居老人需要陪同就医",
        "我一个人住，下周二要去医院复查，腿脚不好，希望有人陪着去。",
        "红色先锋队志愿者陪同老人到医院复查，帮忙挂号取药。",
        "已电话回访：老人已顺利复查，对志愿者很满意。",
    ]),
    s("elderly_care", Home, Normal, Volunteer, [
        "需要帮忙代购买菜",
        "腿脚不便下不了楼，希望志愿者帮忙买菜、取药。",
        "志愿者每周两次上门代购，已建立固定联系。",
        "已电话告知：志愿者每周二、五上门。",
    ]),
    s("elderly_care", Home, Urgent, Volunteer, [
        "家中没有饮用水",
        "行动不方便，家里没有饮用水了，想请人帮忙送桶装水。",
        "志愿者第一时间送水上门，并帮老人换好了水桶。",
        "已电话回访：水已送到。",
    ]),
    s("elderly_care", Home, Normal, OnSpot, [
        "申请老年助餐",
        "年纪大了，做饭越来越吃力，想问问社区食堂能不能送餐。",
        "网格员帮助老人办理了助餐卡，开通了送餐服务。",
        "已上门告知：助餐卡已办好，每天中午送餐。",
    ]),
    s("policy", Home, Normal, OnSpot, [
        "咨询高龄津贴办理",
        "老人满八十岁了，想问高龄津贴怎么申请，需要带什么材料。",
        "网格员上门讲解了申请条件和材料，并帮助代办。",
        "已电话告知：材料已代为提交，下月发放。",
    ]),
    s("policy", Home, Normal, OnSpot, [
        "咨询居住证办理",
        "刚租房搬来，想办居住证，不知道去哪里办。",
        "网格员告知了办理流程，协助完成了居住登记。",
        "已微信告知办理地点和所需材料。",
    ]),
    s("other", Building, Normal, OnSpot, [
        "建议建电动车充电车棚",
        "楼下电动车没地方充电，建议在楼北侧建一个充电车棚。",
        "社区已将建议列入议事清单，组织楼栋居民协商。",
        "已告知反映人：建议已列入居民议事会议题。",
    ]),
];

/// Out of scope: the reason the resident is shown.
pub const DECLINED: &[(&str, &str, &str)] = &[
    (
        "要求社区追讨个人借款",
        "邻居借了我两万块钱一直不还，想让社区帮忙要回来。",
        "属于个人民间借贷纠纷，社区无权处理，建议通过法院诉讼解决；社区可提供法律援助咨询。",
    ),
    (
        "投诉外区商场退货",
        "在外区商场买的电器坏了不给退，想请社区出面。",
        "不属于本社区辖区及职责范围，请拨打12315消费者投诉热线。",
    ),
    (
        "要求安排孩子转学",
        "孩子想转到附近的小学，希望社区帮忙安排。",
        "入学转学由教育部门按学区政策办理，社区无法安排，已告知区教育局咨询电话。",
    ),
    (
        "要求拆除邻居合法装修",
        "邻居家装修改了阳台，看着不舒服，要求拆除。",
        "经核实该装修已报物业备案且不涉及承重结构，不属于违规，不予受理。",
    ),
];
